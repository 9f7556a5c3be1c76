using System.Text.Json;
using Alba;
using Gateway.Api.Keys;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Keys;

public sealed class VirtualKeyAuthenticationTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<IScenarioResult> Chat(string key, int status, string model = "mock-gpt") => Host.Scenario(s =>
    {
        s.Post.Json(new { model, messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task an_issued_key_calls_and_its_hash_is_on_the_spend_event()
    {
        var (key, _) = await Host.IssuedKey();
        await Chat(key, 200);

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal(KeyPlaintext.Hash(key), e.KeyHash);
    }

    [Fact]
    public async Task an_unknown_key_is_refused_and_the_refusal_is_remembered_without_asking_again()
    {
        var error = await (await Chat("sk-never-issued-0000", 401)).OpenAIError(401);
        Assert.Equal("auth_error", error.GetProperty("type").GetString());
        await Chat("sk-never-issued-0000", 401);
    }

    [Fact]
    public async Task a_blocked_key_is_refused()
    {
        var (key, _) = await Host.IssuedKey(k => k with { Blocked = true });
        var error = await (await Chat(key, 401)).OpenAIError(401);
        Assert.Contains("blocked", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task an_expired_key_is_a_400_expired_key()
    {
        var (key, id) = await Host.IssuedKey(k => k with { Duration = "1s" });
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        var error = await (await Chat(key, 400)).OpenAIError(400);
        Assert.Equal("expired_key", error.GetProperty("type").GetString());
        Assert.NotNull((await Host.Key(id)).ExpiresAt);
    }

    [Fact]
    public async Task a_key_limited_to_some_models_gets_403_for_others_and_sees_only_its_own()
    {
        var (key, _) = await Host.IssuedKey(k => k with { Models = ["mock-embedding"] });

        var error = await (await Chat(key, 403)).OpenAIError(403);
        Assert.Equal("key_model_access_denied", error.GetProperty("type").GetString());

        var models = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/models");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        });
        var ids = JsonDocument.Parse(await models.ReadAsTextAsync()).RootElement.GetProperty("data")
            .EnumerateArray().Select(m => m.GetProperty("id").GetString());
        Assert.Equal(["mock-embedding"], ids);
    }

    [Fact]
    public async Task a_revocation_applied_on_this_node_stops_the_key_on_the_next_call()
    {
        var (key, id) = await Host.IssuedKey();
        await Chat(key, 200);

        await Host.Append(id, RevokeKey.Decide(new RevokeKey(id, "test"), await Host.Key(id), DateTimeOffset.UtcNow));
        Host.Services.GetRequiredService<KeyDirectory>().Apply(await Host.Key(id));

        await Chat(key, 401);
    }

    [Fact]
    public async Task after_regeneration_the_new_key_works_and_the_old_one_does_not()
    {
        var (oldKey, id) = await Host.IssuedKey();
        await Chat(oldKey, 200);

        var newKey = KeyPlaintext.Generate();
        await Host.Append(id, RegenerateKey.Decide(
            new RegenerateKey(id, KeyPlaintext.Hash(newKey), KeyPlaintext.Name(newKey), "test"), await Host.Key(id), DateTimeOffset.UtcNow));
        Host.Services.GetRequiredService<KeyDirectory>().Apply(await Host.Key(id));

        await Chat(newKey, 200);
        await Chat(oldKey, 401);
    }
}
