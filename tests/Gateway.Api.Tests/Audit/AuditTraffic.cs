using System.Globalization;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Marten.Events;

namespace Gateway.Api.Tests.Audit;

/// <summary>
/// Real traffic through the proxy, once for a test class: the mock model and an OpenAI-compatible fake upstream that
/// reports usage (with cached and reasoning tokens), streamed and not, from a team key with an alias, a key without a
/// team, the master key, and one failed call; then the daemon catches up. Tests read it and must not change it.
/// </summary>
public sealed class AuditTraffic(PostgresFixture postgres) : IAsyncLifetime
{
    public FakeOpenAI Upstream { get; private set; } = null!;
    public IAlbaHost Host { get; private set; } = null!;

    public static readonly Dictionary<string, string?> Environment = new() { ["FAKE_OPENAI_KEY"] = "sk-upstream-secret" };

    /// <summary>The team key's plaintext; its alias is "billing", its team "finance".</summary>
    public string TeamKey { get; private set; } = "";

    /// <summary>A key with alias "ops" and no team.</summary>
    public string OtherKey { get; private set; } = "";

    /// <summary>What the gateway charged (x-litellm-response-cost), per caller.</summary>
    public decimal TeamKeyCost { get; private set; }
    public decimal OtherKeyCost { get; private set; }
    public decimal MasterKeyCost { get; private set; }
    public decimal TotalCost => TeamKeyCost + OtherKeyCost + MasterKeyCost;

    /// <summary>Every call made, the failed one included.</summary>
    public int Calls { get; private set; }

    public string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A period around today, so a test running across midnight still covers the traffic.</summary>
    public string[] Period => ["--from", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "--to", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeOpenAI.StartAsync();
        Host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: mock-gpt
                litellm_params: { model: mock/mock-gpt }
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o-2024-08-06
                  api_base: {{Upstream.BaseUrl}}
                  api_key: os.environ/FAKE_OPENAI_KEY
                model_info: { base_model: gpt-4o }
              - model_name: broken
                litellm_params: { model: openai/broken, api_base: "{{Upstream.BaseUrl}}", api_key: k }
            """, Environment);

        await Host.AdminPost("/team/new", new { team_id = "finance" });
        TeamKey = (await Host.AdminPost("/key/generate", new { team_id = "finance", key_alias = "billing" })).GetProperty("key").GetString()!;
        OtherKey = (await Host.AdminPost("/key/generate", new { key_alias = "ops" })).GetProperty("key").GetString()!;

        TeamKeyCost += await Charged(Host.Chat(TeamKey));
        TeamKeyCost += await Charged(Host.Chat(TeamKey, user: "acme"));
        var gpt4o = await Charged(Send(TeamKey, "gpt-4o", stream: false));
        // The fake's usage (12 prompt tokens of which 4 cached, 7 completion) at the built-in gpt-4o prices.
        Assert.Equal(8 * 0.0000025m + 4 * 0.00000125m + 7 * 0.00001m, gpt4o);
        TeamKeyCost += gpt4o;
        // A stream's charge travels in a trailer; the same usage costs the same.
        var streamed = await Send(TeamKey, "gpt-4o", stream: true);
        Assert.Equal(200, streamed.Context.Response.StatusCode);
        Calls++;
        TeamKeyCost += gpt4o;
        OtherKeyCost += await Charged(Host.Chat(OtherKey));
        OtherKeyCost += await Charged(Send(OtherKey, "gpt-4o", stream: false));
        MasterKeyCost += await Charged(Host.Chat(GatewayTestHost.MasterKey));
        var failed = await Send(TeamKey, "broken", stream: false);
        Assert.Equal(500, failed.Context.Response.StatusCode);
        Calls++;

        await Host.EventsPersisted();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
    }

    async Task<decimal> Charged(Task<IScenarioResult> call)
    {
        var result = await call;
        Assert.Equal(200, result.Context.Response.StatusCode);
        Calls++;
        var cost = result.ResponseCost();
        Assert.True(cost > 0, "every successful call here is priced");
        return cost;
    }

    Task<IScenarioResult> Send(string key, string model, bool stream) => Host.Scenario(s =>
    {
        s.Post.Json(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = "What did October cost?" } },
            ["stream"] = stream,
            ["stream_options"] = stream ? new { include_usage = true } : null,
        }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    public Task<CliResult> Cli(params string[] args) => CliRunner.Run(CliRunner.SettingsOf(Host, Environment), args);

    public Task<CliResult> Audit(params string[] args) => Cli(["audit", .. Period, .. args]);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
