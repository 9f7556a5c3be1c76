using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Limits;

public sealed class KeyRateLimitTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<IScenarioResult> Call(string key) => Host.Scenario(s =>
    {
        s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "count me" } } }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    [Fact]
    public async Task an_rpm_limit_refuses_the_call_past_it_with_429_and_retry_after()
    {
        await ClockMinute.StartWellInside();
        var (key, _) = await Host.IssuedKey(k => k with { RpmLimit = 2 });

        var first = await Call(key);
        Assert.Equal(200, first.Context.Response.StatusCode);
        Assert.Equal("2", first.Context.Response.Headers["x-ratelimit-limit-requests"]);
        Assert.Equal("1", first.Context.Response.Headers["x-ratelimit-remaining-requests"]);
        Assert.Equal(200, (await Call(key)).Context.Response.StatusCode);

        var third = await Call(key);
        var error = await third.OpenAIError(429);
        Assert.Contains("Limit type: requests. Current limit: 2, Remaining: 0.", error.GetProperty("message").GetString());
        Assert.InRange(int.Parse(third.Context.Response.Headers.RetryAfter!), 1, 60);
    }

    [Fact]
    public async Task a_tpm_limit_refuses_once_the_minutes_tokens_are_used()
    {
        await ClockMinute.StartWellInside();
        var (key, _) = await Host.IssuedKey(k => k with { TpmLimit = 10 });

        var first = await Call(key);
        Assert.Equal(200, first.Context.Response.StatusCode);
        Assert.Equal("0", first.Context.Response.Headers["x-ratelimit-remaining-tokens"]);

        var error = await (await Call(key)).OpenAIError(429);
        Assert.Contains("Limit type: tokens.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task limits_are_per_key()
    {
        await ClockMinute.StartWellInside();
        var (limited, _) = await Host.IssuedKey(k => k with { RpmLimit = 1 });
        var (other, _) = await Host.IssuedKey(k => k with { RpmLimit = 1 });
        Assert.Equal(200, (await Call(limited)).Context.Response.StatusCode);
        Assert.Equal(429, (await Call(limited)).Context.Response.StatusCode);
        Assert.Equal(200, (await Call(other)).Context.Response.StatusCode);
    }
}
