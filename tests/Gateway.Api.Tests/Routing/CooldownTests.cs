using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Routing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Deployments cooling down: the 429 when a whole group is cooling, the event, the way back.</summary>
public sealed class CooldownTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FaultyOpenAI.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: solo
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("solo", "unauthorized")}}", api_key: k}
                model_info: {id: solo}
              - model_name: rescued
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("rescued", "limited")}}", api_key: k}
                model_info: {id: rescued}
              - model_name: rescuer
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("rescuer", "ok")}}", api_key: k}
                model_info: {id: rescuer}
              - model_name: brief
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("brief", "unauthorized")}}", api_key: k, cooldown_time: 1}
                model_info: {id: brief}
            router_settings:
              cooldown_time: 30
              fallbacks: [{rescued: [rescuer]}]
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task when_every_deployment_is_cooling_the_answer_is_litellm_s_429_with_retry_after()
    {
        var first = await _host.Chat("solo");
        await first.OpenAIError(401);

        var second = await _host.Chat("solo");

        var error = await second.OpenAIError(429);
        Assert.Equal("No deployments available for selected model, Try again in 30 seconds. Passed model=solo. pre-call-checks=False, cooldown_list=['solo']",
            error.GetProperty("message").GetString());
        Assert.Equal("429", error.GetProperty("code").GetString());
        Assert.InRange(int.Parse(second.Header("retry-after"), System.Globalization.CultureInfo.InvariantCulture), 29, 30);
        Assert.Equal((0, 0), (second.Retries(), second.Fallbacks()));
        Assert.Equal(1, _upstream.Calls("solo"));
    }

    [Fact]
    public async Task the_cooldown_is_recorded_as_an_event()
    {
        await _host.Chat("solo");

        var cooled = Assert.Single(await _host.Events<DeploymentCooledDown>());
        Assert.Equal(("solo", "solo", "openai", "gpt-4o-mini", 401, 1), (cooled.DeploymentId, cooled.ModelGroup, cooled.Provider, cooled.Model, cooled.Status, cooled.FailuresThisMinute));
        Assert.Equal(TimeSpan.FromSeconds(30), cooled.Until - cooled.At);
        Assert.Equal(_upstream.ApiBase("solo", "unauthorized"), cooled.ApiBase);
        Assert.Contains("Incorrect API key", cooled.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_group_that_is_cooling_goes_straight_to_its_fallbacks()
    {
        var first = await _host.Chat("rescued");
        var second = await _host.Chat("rescued");

        Assert.Equal(("rescuer", "rescuer"), (first.ModelId(), second.ModelId()));
        Assert.Equal(1, _upstream.Calls("rescued")); // the 429 cooled it; the second call did not knock
        Assert.Equal(2, _upstream.Calls("rescuer"));
    }

    [Fact]
    public async Task a_deployment_is_called_again_once_its_cooldown_is_over()
    {
        await _host.Chat("brief");
        await (await _host.Chat("brief")).OpenAIError(429);
        Assert.Equal(1, _upstream.Calls("brief"));

        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        await (await _host.Chat("brief")).OpenAIError(401);
        Assert.Equal(2, _upstream.Calls("brief"));
    }
}
