using Alba;
using Gateway.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Each strategy's choice through the whole gateway, against the fake upstream.</summary>
public sealed class StrategyTests(PostgresFixture postgres) : IAsyncLifetime
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

    async Task<IAlbaHost> Gateway(string strategy, string deployments, TimeProvider? time = null)
    {
        _host = await GatewayTestHost.StartAsync(postgres, $"model_list:\n{deployments}\nrouter_settings:\n  routing_strategy: {strategy}\n",
            services: time is null ? null : s => s.AddSingleton(time));
        return _host;
    }

    string Deployment(string name, string behaviour = "ok", string extra = "") => $$"""
          - model_name: gpt
            litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase(name, behaviour)}}", api_key: k{{extra}}}
            model_info: {id: {{name}}}
        """;

    async Task Calls(IAlbaHost host, int count)
    {
        for (var i = 0; i < count; i++)
            Assert.Equal(200, (await host.Chat("gpt")).Status());
    }

    [Fact]
    public async Task weights_of_nine_to_one_split_two_hundred_calls_within_binomial_bounds()
    {
        var host = await Gateway("simple-shuffle", Deployment("heavy", extra: ", weight: 9") + "\n" + Deployment("light", extra: ", weight: 1"));

        await Calls(host, 200);

        // Binomial(200, 0.9): mean 180, sd 4.24; 99.9% of runs land within ±3.29 sd.
        Assert.InRange(_upstream.Calls("heavy"), 166, 194);
        Assert.Equal(200, _upstream.Calls("heavy") + _upstream.Calls("light"));
    }

    [Fact]
    public async Task only_the_lowest_order_serves_while_it_is_healthy_then_the_next()
    {
        var host = await Gateway("simple-shuffle", Deployment("first", "limited", ", order: 1") + "\n" + Deployment("second", extra: ", order: 2")
            + "\n" + Deployment("third", extra: ", order: 3"));

        await Calls(host, 10);

        // The first call hit order 1 (429: it cools at once) and was retried on order 2; order 3 was never needed.
        Assert.Equal((1, 10, 0), (_upstream.Calls("first"), _upstream.Calls("second"), _upstream.Calls("third")));
    }

    [Fact]
    public async Task cost_based_routing_picks_the_cheapest_deployment()
    {
        var host = await Gateway("cost-based-routing",
            Deployment("dear", extra: ", input_cost_per_token: 0.00001, output_cost_per_token: 0.00003") + "\n" +
            Deployment("cheap", extra: ", input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000004"));

        await Calls(host, 10);

        Assert.Equal((10, 0), (_upstream.Calls("cheap"), _upstream.Calls("dear")));
    }

    [Fact]
    public async Task latency_based_routing_settles_on_the_fastest_deployment()
    {
        var host = await Gateway("latency-based-routing", Deployment("laggy", "lag") + "\n" + Deployment("snappy"));

        await Calls(host, 2); // each is tried once: an unused deployment counts as fastest
        await Calls(host, 10);

        Assert.Equal((1, 11), (_upstream.Calls("laggy"), _upstream.Calls("snappy")));
    }

    [Fact]
    public async Task usage_based_routing_keeps_each_deployment_under_its_rpm_and_then_says_no_deployments()
    {
        // A fixed clock, so the minute cannot roll over mid-test and reset the counts.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 5, TimeSpan.Zero));
        var host = await Gateway("usage-based-routing-v2", Deployment("a", extra: ", rpm: 2") + "\n" + Deployment("b", extra: ", rpm: 2"), time);

        await Calls(host, 4);
        var fifth = await host.Chat("gpt");

        Assert.Equal((2, 2), (_upstream.Calls("a"), _upstream.Calls("b")));
        var error = await fifth.OpenAIError(429);
        Assert.StartsWith("No deployments available for selected model, Try again in 55 seconds.", error.GetProperty("message").GetString());
        Assert.Equal("55", fifth.Header("retry-after"));
    }

    [Fact]
    public async Task usage_based_routing_sends_the_next_call_to_the_deployment_that_used_fewest_tokens_this_minute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 5, TimeSpan.Zero));
        var host = await Gateway("usage-based-routing-v2", Deployment("a") + "\n" + Deployment("b"), time);

        await Calls(host, 10);

        // Every call costs the same tokens, so the lowest-usage pick alternates.
        Assert.Equal((5, 5), (_upstream.Calls("a"), _upstream.Calls("b")));
    }

    [Fact]
    public async Task a_deployment_at_its_max_parallel_requests_is_passed_over()
    {
        var host = await Gateway("simple-shuffle", Deployment("narrow", "hold", ", max_parallel_requests: 1, order: 1") + "\n" + Deployment("wide", extra: ", order: 2"));

        var calls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.Chat("gpt")));

        Assert.All(calls, c => Assert.Equal(200, c.Status()));
        Assert.Equal(1, _upstream.Calls("narrow"));
        Assert.Equal(3, _upstream.Calls("wide"));
    }
}
