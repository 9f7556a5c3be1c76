using System.Diagnostics;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Routing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Retries within a model group, against a fake upstream that fails on purpose.</summary>
public sealed class RetryTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost? _host;

    public async ValueTask InitializeAsync() => _upstream = await FaultyOpenAI.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    async Task<IAlbaHost> Gateway(string deployments, string router = "")
    {
        _host = await GatewayTestHost.StartAsync(postgres, $"model_list:\n{deployments}\nrouter_settings:\n  routing_strategy: simple-shuffle\n{router}");
        return _host;
    }

    string Deployment(string group, string name, string behaviour, string extra = "") => $$"""
          - model_name: {{group}}
            litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase(name, behaviour)}}", api_key: k{{extra}}}
            model_info: {id: {{name}}}
        """;

    [Fact]
    public async Task a_retry_lands_on_the_healthy_deployment_at_once()
    {
        var host = await Gateway(Deployment("gpt", "dead", "down", ", order: 1") + "\n" + Deployment("gpt", "alive", "ok", ", order: 2"));

        var watch = Stopwatch.StartNew();
        var result = await host.Chat("gpt");

        Assert.Equal(200, result.Status());
        Assert.Equal("Hello from alive", await result.Content());
        Assert.Equal("alive", result.ModelId());
        Assert.Equal(_upstream.ApiBase("alive", "ok"), result.Header("x-litellm-model-api-base"));
        Assert.Equal(1, result.Retries());
        Assert.Equal(0, result.Fallbacks());
        Assert.Equal((1, 1), (_upstream.Calls("dead"), _upstream.Calls("alive")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"another deployment takes the retry without a backoff ({watch.Elapsed})");
    }

    [Fact]
    public async Task a_dead_deployment_is_tried_at_most_allowed_fails_plus_one_times_before_it_cools_down()
    {
        var host = await Gateway(Deployment("gpt", "dead", "down") + "\n" + Deployment("gpt", "alive", "ok"),
            "  allowed_fails: 2\n  cooldown_time: 60\n");

        for (var i = 0; i < 40; i++)
            Assert.Equal(200, (await host.Chat("gpt")).Status());

        // 40 calls that each pick either deployment first: the dead one fails its 3rd time within the first few and cools.
        Assert.Equal(3, _upstream.Calls("dead"));
        Assert.Equal(40, _upstream.Calls("alive"));
        var cooled = Assert.Single(await host.Events<DeploymentCooledDown>());
        Assert.Equal(("dead", "gpt", 500, 3), (cooled.DeploymentId, cooled.ModelGroup, cooled.Status, cooled.FailuresThisMinute));
        Assert.Equal(TimeSpan.FromSeconds(60), cooled.Until - cooled.At);
    }

    [Fact]
    public async Task a_single_deployment_is_retried_num_retries_times_with_a_backoff()
    {
        var host = await Gateway(Deployment("gpt", "flaky", "fails-2"), "  num_retries: 2\n  allowed_fails: 10\n");

        var watch = Stopwatch.StartNew();
        var result = await host.Chat("gpt");

        Assert.Equal(200, result.Status());
        Assert.Equal(2, result.Retries());
        Assert.Equal(3, _upstream.Calls("flaky"));
        // LiteLLM's backoff: 0.5 s then 1 s, each less up to a quarter.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.1), $"waited {watch.Elapsed}");
    }

    [Fact]
    public async Task a_retry_on_the_same_deployment_waits_for_the_upstream_retry_after()
    {
        var host = await Gateway(Deployment("gpt", "busy", "limited-once"),
            "  allowed_fails_policy: {RateLimitErrorAllowedFails: 5}\n");

        var watch = Stopwatch.StartNew();
        var result = await host.Chat("gpt");

        Assert.Equal(200, result.Status());
        Assert.Equal(1, result.Retries());
        Assert.Equal(2, _upstream.Calls("busy"));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), $"retry-after: 1 was not honoured ({watch.Elapsed})");
    }

    [Fact]
    public async Task retries_give_up_after_num_retries_and_the_upstream_error_is_answered()
    {
        var host = await Gateway(Deployment("gpt", "dead", "down"), "  num_retries: 1\n  allowed_fails: 10\n");

        var result = await host.Chat("gpt");

        var error = await result.OpenAIError(500);
        Assert.Contains("server had an error", error.GetProperty("message").GetString());
        // The headers say where the call went on a failure too.
        Assert.Equal(1, result.Retries());
        Assert.Equal(0, result.Fallbacks());
        Assert.Equal("dead", result.ModelId());
        Assert.Equal(_upstream.ApiBase("dead", "down"), result.Header("x-litellm-model-api-base"));
        Assert.Equal(2, _upstream.Calls("dead"));
    }

    [Fact]
    public async Task the_retry_policy_can_turn_retries_off_for_one_kind_of_error()
    {
        var host = await Gateway(Deployment("gpt", "limited", "limited", ", order: 1") + "\n" + Deployment("gpt", "alive", "ok", ", order: 2"),
            "  retry_policy: {RateLimitErrorRetries: 0}\n");

        var result = await host.Chat("gpt");

        await result.OpenAIError(429);
        Assert.Equal("1", result.Header("retry-after"));
        Assert.Equal(0, result.Retries());
        Assert.Equal(0, _upstream.Calls("alive"));
    }

    [Fact]
    public async Task a_request_the_upstream_refuses_is_not_retried()
    {
        var host = await Gateway(Deployment("gpt", "strict", "bad", ", order: 1") + "\n" + Deployment("gpt", "other", "ok", ", order: 2"));

        var result = await host.Chat("gpt");

        await result.OpenAIError(400);
        Assert.Equal(0, result.Retries());
        Assert.Equal((1, 0), (_upstream.Calls("strict"), _upstream.Calls("other")));
    }

    [Fact]
    public async Task a_connection_cut_before_any_answer_is_retried_on_another_deployment()
    {
        var host = await Gateway(Deployment("gpt", "cut", "reset", ", order: 1") + "\n" + Deployment("gpt", "alive", "ok", ", order: 2"));

        var result = await host.Chat("gpt");

        Assert.Equal(200, result.Status());
        Assert.Equal("alive", result.ModelId());
        Assert.Equal(1, _upstream.Calls("cut"));
    }

    [Fact]
    public async Task a_wrong_key_on_one_deployment_is_retried_on_another()
    {
        var host = await Gateway(Deployment("gpt", "wrong-key", "unauthorized", ", order: 1") + "\n" + Deployment("gpt", "alive", "ok", ", order: 2"));

        var first = await host.Chat("gpt");
        var second = await host.Chat("gpt");

        Assert.Equal(("alive", "alive"), (first.ModelId(), second.ModelId()));
        Assert.Equal(1, _upstream.Calls("wrong-key")); // a 401 cools it at once
    }
}
