using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Admin;

public sealed class UpdateKeyTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    async Task<JsonElement> Update(string body, int status, string key = GatewayTestHost.MasterKey)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/key/update");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(status);
        });
        return status == 200 ? JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone() : await result.OpenAIError(status);
    }

    [Fact]
    public async Task a_field_left_out_stays_a_field_sent_as_null_is_cleared()
    {
        var (key, _) = await Host.IssuedKey(k => k with { MaxBudget = 10m, RpmLimit = 5, KeyAlias = "before" });

        var info = await Update($$"""{"key":"{{key}}","max_budget":null,"key_alias":"after","models":["mock-embedding"]}""", 200);

        Assert.Equal(JsonValueKind.Null, info.GetProperty("max_budget").ValueKind);
        Assert.Equal(5, info.GetProperty("rpm_limit").GetInt64());
        Assert.Equal("after", info.GetProperty("key_alias").GetString());

        // The change is live on the proxy at once: the key may now call only mock-embedding.
        await Host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(403);
        });
    }

    [Theory]
    [InlineData("""{"max_budget":"ten"}""", "max_budget")]
    [InlineData("""{"rpm_limit":1.5}""", "rpm_limit")]
    [InlineData("""{"models":"mock-gpt"}""", "models")]
    [InlineData("""{"blocked":"yes"}""", "blocked")]
    [InlineData("""{"soft_budget":-1}""", "soft_budget")]
    public async Task wrong_types_and_values_name_the_field(string fields, string field)
    {
        var (key, _) = await Host.IssuedKey();
        var body = fields.Insert(1, $"\"key\":\"{key}\",");
        var error = await Update(body, 400);
        Assert.Equal(field, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task the_key_is_required_and_must_exist_and_only_admins_may_update()
    {
        Assert.Equal("key", (await Update("""{"max_budget":1}""", 400)).GetProperty("param").GetString());
        await Update("""{"key":"sk-does-not-exist-1"}""", 404);
        var (key, _) = await Host.IssuedKey();
        await Update($$"""{"key":"{{key}}","max_budget":1000}""", 403, key);
        await Update("{ not json", 400);
    }
}
