using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Admin;

public sealed class GenerateKeyTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<IScenarioResult> Generate(string body, int status, string? key = GatewayTestHost.MasterKey) => Host.Scenario(s =>
    {
        s.Post.Text(body).ToUrl("/key/generate");
        s.WithRequestHeader("Content-Type", "application/json");
        if (key is not null)
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task a_generated_key_is_returned_once_and_calls_the_proxy_at_once()
    {
        var result = await Generate("""{"key_alias":"search-svc","models":["mock-gpt"],"max_budget":10,"metadata":{"owner":"search"}}""", 200);
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith("sk-", key);
        Assert.Equal(KeyPlaintext.Hash(key), body.GetProperty("token").GetString());
        Assert.Equal("search-svc", body.GetProperty("key_alias").GetString());
        Assert.Equal(10m, body.GetProperty("max_budget").GetDecimal());
        Assert.Equal($"sk-...{key[^4..]}", body.GetProperty("key_name").GetString());

        await Host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal(KeyPlaintext.Hash(key), Assert.Single(await Host.Events<RequestCompleted>()).KeyHash);

        // Only the hash is stored: the plaintext appears in no event.
        var issued = Assert.Single(await Host.Events<KeyIssued>());
        Assert.DoesNotContain(key, JsonSerializer.Serialize(issued));
    }

    [Fact]
    public async Task without_a_key_it_is_a_401_and_with_a_virtual_key_a_403()
    {
        await (await Generate("{}", 401, key: null)).OpenAIError(401);
        var (virtualKey, _) = await Host.IssuedKey();
        await (await Generate("{}", 403, key: virtualKey)).OpenAIError(403);
    }

    [Fact]
    public async Task wrong_types_and_bad_values_are_400s_that_name_the_field()
    {
        var error = await (await Generate("""{"max_budget":-5}""", 400)).OpenAIError(400);
        Assert.Equal("max_budget", error.GetProperty("param").GetString());

        error = await (await Generate("""{"budget_duration":"fortnight"}""", 400)).OpenAIError(400);
        Assert.Equal("budget_duration", error.GetProperty("param").GetString());

        error = await (await Generate("""{"max_budget":"lots"}""", 400)).OpenAIError(400);
        Assert.Contains("max_budget", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_json_body_sent_with_curls_default_form_type_is_still_read()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text("""{"key_alias":"from-curl"}""").ToUrl("/key/generate");
            s.WithRequestHeader("Content-Type", "application/x-www-form-urlencoded");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal("from-curl", JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("key_alias").GetString());
    }

    [Fact]
    public async Task an_alias_in_use_is_refused()
    {
        await Generate("""{"key_alias":"dup"}""", 200);
        var error = await (await Generate("""{"key_alias":"dup"}""", 400)).OpenAIError(400);
        Assert.Equal("key_alias", error.GetProperty("param").GetString());
    }
}
