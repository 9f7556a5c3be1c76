using Alba;
using Gateway.Api.Config;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Api.Tests.Reliability;

/// <summary>The body size, JSON depth and failed-authentication limits: their defaults, their settings, their checks.</summary>
public sealed class LimitSettingsTests(PostgresFixture postgres)
{
    static GatewaySettings Resolve(params (string Name, string Value)[] environment) => GatewaySettings.Resolve(
        new ConfigurationBuilder().AddInMemoryCollection(environment.ToDictionary(e => e.Name, e => (string?)e.Value)).Build());

    [Fact]
    public void the_limits_have_safe_defaults()
    {
        var settings = Resolve();

        Assert.Equal(32L * 1024 * 1024, settings.MaxRequestBytes);
        Assert.Equal(64, settings.MaxJsonDepth);
        Assert.Equal(10, settings.FailedAuthLimit.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.FailedAuthLimit.Window);
        Assert.Empty(settings.TrustedProxies);
    }

    [Fact]
    public void each_limit_can_be_set_from_the_environment()
    {
        var settings = Resolve(("GATEWAY_MAX_JSON_DEPTH", "16"), ("GATEWAY_FAILED_AUTH_LIMIT", "5"),
            ("GATEWAY_FAILED_AUTH_WINDOW_SECONDS", "300"), ("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.10"));

        Assert.Equal(16, settings.MaxJsonDepth);
        Assert.Equal(new Gateway.Domain.Limits.FailedAttemptLimit(5, TimeSpan.FromMinutes(5)), settings.FailedAuthLimit);
        Assert.Equal(["10.0.0.0/8", "192.168.1.10/32"], settings.TrustedProxies.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("GATEWAY_MAX_JSON_DEPTH", "65", "expected a whole number from 8 to 64")]
    [InlineData("GATEWAY_MAX_JSON_DEPTH", "deep", "expected a whole number from 8 to 64")]
    [InlineData("GATEWAY_FAILED_AUTH_LIMIT", "many", "expected a whole number, got 'many'")]
    [InlineData("GATEWAY_TRUSTED_PROXIES", "the load balancer", "expected an IP address or a CIDR range")]
    public void a_limit_that_cannot_be_used_stops_start_up_saying_why(string name, string value, string why)
    {
        var error = Assert.Throws<ConfigException>(() => Resolve((name, value)));
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public async Task a_configured_depth_is_the_most_a_proxy_body_may_nest()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres, """
            general_settings:
              max_json_depth: 16
            """);

        static string Nested(int levels) => new string('[', levels) + new string(']', levels);
        async Task<int> Send(string url, string body) => (await host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(url).ContentType("application/json");
            s.WithMasterKey();
            s.IgnoreStatusCode();
        })).Context.Response.StatusCode;

        // The body's object is level 1, so 15 arrays inside it reach 16.
        Assert.Equal(200, await Send("/v1/chat/completions", $$"""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":{{Nested(15)}}}"""));
        Assert.Equal(400, await Send("/v1/chat/completions", $$"""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":{{Nested(16)}}}"""));
        Assert.Equal(400, await Send("/v1/messages/count_tokens", $$"""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":{{Nested(16)}}}"""));
        Assert.Equal(200, await Send("/v1/messages/count_tokens", $$"""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":{{Nested(15)}}}"""));
    }
}
