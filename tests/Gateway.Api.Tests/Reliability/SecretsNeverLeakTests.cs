using System.Text;
using System.Text.Json;
using Alba;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// A representative session — keys issued, used, regenerated and revoked, a wrong key that looks like a real one, an
/// upstream that quotes the credential it was sent, admin calls with the master key — with every log entry of every
/// category down to Trace captured, every response kept, and then every table of the database read back. No secret
/// appears in any of them: not the master key, not a virtual key, not the provider's key.
/// </summary>
public sealed class SecretsNeverLeakTests(PostgresFixture postgres) : IAsyncLifetime
{
    const string ProviderKey = "sk-provider-7f3a9c1e5b2d8f4a6c0e9b7d";

    readonly CapturedLogs _logs = new();
    readonly List<string> _responses = [];
    EchoingUpstream _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await EchoingUpstream.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $"""
            model_list:
              - model_name: ok
                litellm_params: {"{"} model: openai/ok, api_base: "{_upstream.BaseUrl}", api_key: "{ProviderKey}" {"}"}
              - model_name: echo-401
                litellm_params: {"{"} model: openai/echo-401, api_base: "{_upstream.BaseUrl}", api_key: "{ProviderKey}" {"}"}
              - model_name: echo-500
                litellm_params: {"{"} model: openai/echo-500, api_base: "{_upstream.BaseUrl}", api_key: "{ProviderKey}" {"}"}
            router_settings:
              num_retries: 0
            """, services: _logs.AddTo);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>Sends a request and keeps the answer (status, headers, body) for the search at the end.</summary>
    async Task<JsonElement> Send(string what, Action<Scenario> request, string? key, bool keep = true)
    {
        var result = await _host.Scenario(s =>
        {
            request(s);
            if (key is not null)
                s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.IgnoreStatusCode();
        });
        var body = await result.ReadAsTextAsync();
        var response = result.Context.Response;
        if (keep)
            _responses.Add($"{what}: {response.StatusCode} {string.Join("; ", response.Headers.Select(h => $"{h.Key}={h.Value}"))}\n{body}");
        return body.Length > 0 && body[0] is '{' or '[' ? JsonDocument.Parse(body).RootElement.Clone() : default;
    }

    static Action<Scenario> Chat(string model, bool stream = false) => s =>
        s.Post.Json(new { model, stream, messages = new[] { new { role = "user", content = "hello" } } }).ToUrl("/v1/chat/completions");

    static Action<Scenario> Post(string url, object body) => s => s.Post.Json(body).ToUrl(url);

    [Fact]
    public async Task no_secret_reaches_a_log_a_response_an_event_or_a_read_model()
    {
        const string master = GatewayTestHost.MasterKey;
        var wrongKey = "sk-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

        // Issue a key (its one response with the secret is checked on its own, then left out of the search).
        var issued = await Send("issue", Post("/key/generate", new { key_alias = "leak-check", max_budget = 10 }), master, keep: false);
        var first = issued.GetProperty("key").GetString()!;
        Assert.DoesNotContain(master, issued.GetRawText());

        // Use it: an answer, an upstream 401 and 500 that quote the provider's key, a stream, the Anthropic API.
        Assert.Equal(200, (await Send("chat", Chat("ok"), first)).ValueKind == JsonValueKind.Object ? 200 : 0);
        var quoted = await Send("echoed 401", Chat("echo-401"), first);
        Assert.Contains(Gateway.Api.Errors.Redaction.Mark, quoted.GetRawText()); // the upstream did quote it, and it was cut
        await Send("echoed 500", Chat("echo-500"), first);
        await Send("echoed 500 again", Chat("echo-500"), first);
        await Send("stream", Chat("ok", stream: true), first);
        await Send("messages", s =>
        {
            s.Post.Json(new { model = "echo-401", max_tokens = 5, messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/messages");
            s.WithRequestHeader("x-api-key", first);
        }, key: null);
        await Send("models", s => s.Get.Url("/v1/models"), first);

        // Admin reads with the key in the URL, as LiteLLM's clients send it.
        await Send("key info", s => s.Get.Url($"/key/info?key={first}"), master);
        await Send("own key info", s => s.Get.Url("/key/info"), first);
        await Send("spend logs", s => s.Get.Url($"/spend/logs?api_key={first}"), master);
        await Send("health", s => s.Get.Url("/health"), master);

        // Regenerate: the old secret stops working, the new one works.
        var regenerated = await Send("regenerate", Post("/key/regenerate", new { key = first }), master, keep: false);
        var second = regenerated.GetProperty("key").GetString()!;
        Assert.DoesNotContain(first, regenerated.GetRawText());
        await Send("old key", Chat("ok"), first);
        await Send("new key", Chat("ok"), second);

        // A wrong key that looks like a real one, on the proxy and the admin API.
        await Send("wrong key", Chat("ok"), wrongKey);
        await Send("wrong key on admin", s => s.Get.Url("/key/list"), wrongKey);
        await Send("wrong key in the URL", s => s.Get.Url($"/key/info?key={wrongKey}"), master);

        // Admin commands with the master key.
        await Send("team", Post("/team/new", new { team_id = "leak-team" }), master);
        await Send("user", Post("/user/new", new { user_id = "leak-user", user_role = "proxy_admin" }), master);
        await Send("update", Post("/key/update", new { key = second, team_id = "leak-team", max_budget = 20 }), master);
        await Send("block", Post("/key/block", new { key = second }), master);
        await Send("blocked key", Chat("ok"), second);
        await Send("unblock", Post("/key/unblock", new { key = second }), master);
        await Send("list", s => s.Get.Url("/key/list?return_full_object=true"), master);
        await Send("delete", Post("/key/delete", new { keys = new[] { second } }), master);
        await Send("deleted key", Chat("ok"), second);

        await _host.EventsPersisted();
        await _host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var secrets = new Dictionary<string, string>
        {
            ["the master key"] = master,
            ["the first virtual key"] = first,
            ["the regenerated virtual key"] = second,
            ["the wrong key"] = wrongKey,
            ["the provider's key"] = ProviderKey,
        };
        var places = new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["the logs"] = _logs.Entries,
            ["the responses"] = _responses,
            ["the database"] = await EveryRow(),
        };
        Assert.True(_logs.Entries.Count > 50, $"the capture saw only {_logs.Entries.Count} log entries");
        Assert.Contains(places["the database"], row => row.Contains("leak-check", StringComparison.Ordinal)); // the dump reads the key's rows

        var leaks = (from place in places
                     from secret in secrets
                     from text in place.Value
                     where text.Contains(secret.Value, StringComparison.Ordinal)
                         || text.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(secret.Value)), StringComparison.Ordinal)
                     select $"{secret.Key} in {place.Key}: {Around(text, secret.Value)}").Distinct().ToList();
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
    }

    /// <summary>Every row of every table (events, documents, Wolverine's envelopes), each as PostgreSQL's text for it.</summary>
    async Task<IReadOnlyCollection<string>> EveryRow()
    {
        var url = _host.Services.GetRequiredService<GatewaySettings>().DatabaseUrl!;
        await using var connection = new NpgsqlConnection(DatabaseUrl.ToNpgsqlConnectionString(url));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
            "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                tables.Add(reader.GetString(0));
        Assert.Contains(tables, t => t.EndsWith(".mt_events", StringComparison.Ordinal));

        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"select t::text from {table} t", connection);
            await using var reader = await select.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                rows.Add($"{table}: {reader.GetString(0)}");
        }
        return rows;
    }

    static string Around(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.Ordinal);
        return at < 0 ? text[..Math.Min(200, text.Length)] : text[Math.Max(0, at - 150)..Math.Min(text.Length, at + secret.Length + 50)];
    }
}
