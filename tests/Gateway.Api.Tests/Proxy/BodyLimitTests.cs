using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class BodyLimitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task a_body_over_the_configured_limit_is_a_413_and_one_under_it_passes()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres, """
            model_list:
              - model_name: mock-gpt
                litellm_params: { model: mock/mock-gpt }
            general_settings:
              max_request_size_mb: 0.01
            """);

        var big = new string('x', 20_000);
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = big } } }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(413);
        });
        var error = await result.OpenAIError(413);
        Assert.Contains("too large", error.GetProperty("message").GetString());

        await host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = new string('x', 5_000) } } }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
    }
}
