using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class AuthenticationTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    static readonly object Body = new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } };

    [Fact]
    public async Task no_key_is_a_401_auth_error()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Body).ToUrl("/v1/chat/completions");
            s.StatusCodeShouldBe(401);
        });
        var error = await result.OpenAIError(401);
        Assert.Equal("auth_error", error.GetProperty("type").GetString());
        Assert.Equal("401", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task a_wrong_key_is_a_401_that_does_not_echo_the_key()
    {
        const string wrong = "sk-this-is-not-the-master-key-9876";
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Body).ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Authorization", $"Bearer {wrong}");
            s.StatusCodeShouldBe(401);
        });
        var error = await result.OpenAIError(401);
        Assert.DoesNotContain(wrong, error.GetProperty("message").GetString());
        Assert.Contains("Invalid proxy server token", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + GatewayTestHost.MasterKey)]
    [InlineData("x-litellm-api-key", GatewayTestHost.MasterKey)]
    [InlineData("x-litellm-api-key", "Bearer " + GatewayTestHost.MasterKey)]
    [InlineData("api-key", GatewayTestHost.MasterKey)]
    [InlineData("x-api-key", GatewayTestHost.MasterKey)]
    [InlineData("x-goog-api-key", GatewayTestHost.MasterKey)]
    public async Task the_master_key_is_accepted_in_every_header_clients_use(string header, string value)
    {
        await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Body).ToUrl("/v1/chat/completions");
            s.WithRequestHeader(header, value);
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task listing_models_needs_a_key_too()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url("/v1/models");
            s.StatusCodeShouldBe(401);
        });
        await result.OpenAIError(401);
    }
}
