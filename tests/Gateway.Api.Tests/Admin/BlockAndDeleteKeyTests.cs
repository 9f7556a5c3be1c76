using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Keys;

namespace Gateway.Api.Tests.Admin;

public sealed class BlockAndDeleteKeyTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<IScenarioResult> Admin(string url, object body, int status, string key = GatewayTestHost.MasterKey) => Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    Task Chat(string key, int status) => Host.Scenario(s =>
    {
        s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task a_blocked_key_stops_on_the_next_call_and_works_again_when_unblocked()
    {
        var (key, _) = await Host.IssuedKey();
        await Chat(key, 200);

        var blocked = await Admin("/key/block", new { key }, 200);
        Assert.True(JsonDocument.Parse(await blocked.ReadAsTextAsync()).RootElement.GetProperty("blocked").GetBoolean());
        await Chat(key, 401);

        // By hash (LiteLLM's token) as well as by plaintext.
        await Admin("/key/unblock", new { key = KeyPlaintext.Hash(key) }, 200);
        await Chat(key, 200);

        var events = await Host.Events<KeyBlocked>();
        Assert.Equal(GatewayTestHost.MasterKeyHash, Assert.Single(events).By);
    }

    [Fact]
    public async Task deleting_keys_by_value_and_alias_revokes_them_at_once()
    {
        var (first, _) = await Host.IssuedKey();
        var (second, _) = await Host.IssuedKey(k => k with { KeyAlias = "to-go" });

        var result = await Admin("/key/delete", new { keys = new[] { first }, key_aliases = new[] { "to-go" } }, 200);
        var deleted = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("deleted_keys");
        Assert.Equal(2, deleted.GetArrayLength());

        await Chat(first, 401);
        await Chat(second, 401);
        Assert.Equal(2, (await Host.Events<KeyRevoked>()).Count);
    }

    [Fact]
    public async Task deleting_an_unknown_key_revokes_nothing()
    {
        var (key, _) = await Host.IssuedKey();
        var error = await (await Admin("/key/delete", new { keys = new[] { key, "sk-not-a-key-1234" } }, 404)).OpenAIError(404);
        Assert.Equal("key", error.GetProperty("param").GetString());
        await Chat(key, 200);
    }

    [Fact]
    public async Task the_key_commands_refuse_virtual_keys_and_missing_keys()
    {
        var (key, _) = await Host.IssuedKey();
        foreach (var url in new[] { "/key/block", "/key/unblock", "/key/delete" })
        {
            await (await Admin(url, new { key, keys = new[] { key } }, 403, key)).OpenAIError(403);
            await (await Host.Scenario(s =>
            {
                s.Post.Json(new { key }).ToUrl(url);
                s.StatusCodeShouldBe(401);
            })).OpenAIError(401);
        }
        await (await Admin("/key/block", new { key = "sk-unknown-key-5678" }, 404)).OpenAIError(404);
        await (await Admin("/key/block", new { }, 400)).OpenAIError(400);
    }
}
