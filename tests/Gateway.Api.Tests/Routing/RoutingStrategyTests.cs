using Gateway.Api.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Each strategy's choice, from the load it reads; pure, no upstream.</summary>
public sealed class RoutingStrategyTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    readonly DeploymentLoad _load;

    public RoutingStrategyTests() => _load = new DeploymentLoad(_time);

    PickContext Context(bool stream = false, int promptTokens = 10, int seed = 1) => new(_load, stream, promptTokens, new Random(seed));

    Dictionary<string, int> Count(RoutingStrategy strategy, Deployment[] candidates, int calls, int seed = 7)
    {
        var counts = candidates.ToDictionary(d => d.Id, _ => 0);
        var context = Context(seed: seed);
        for (var i = 0; i < calls; i++)
            counts[strategy.Choose(candidates, context).Id]++;
        return counts;
    }

    [Fact]
    public void simple_shuffle_follows_the_weights()
    {
        var counts = Count(SimpleShuffle.Instance, [Deployments.Make("a", weight: 9), Deployments.Make("b", weight: 1)], 10_000);
        Assert.InRange(counts["a"], 8_850, 9_150); // 9000 ± 5 standard deviations (30)
    }

    [Fact]
    public void simple_shuffle_counts_an_unset_weight_as_one_when_another_deployment_sets_one()
    {
        var counts = Count(SimpleShuffle.Instance, [Deployments.Make("a", weight: 3), Deployments.Make("b")], 8_000);
        Assert.InRange(counts["a"], 5_800, 6_200); // 6000 ± 5 sd (39)
    }

    [Fact]
    public void simple_shuffle_uses_rpm_as_weights_when_no_deployment_sets_a_weight()
    {
        var counts = Count(SimpleShuffle.Instance, [Deployments.Make("a", rpm: 100), Deployments.Make("b", rpm: 300)], 8_000);
        Assert.InRange(counts["b"], 5_800, 6_200);
    }

    [Fact]
    public void simple_shuffle_uses_tpm_when_rpm_is_not_set_on_every_deployment()
    {
        var counts = Count(SimpleShuffle.Instance, [Deployments.Make("a", tpm: 1000, rpm: 5), Deployments.Make("b", tpm: 3000)], 8_000);
        Assert.InRange(counts["b"], 5_800, 6_200);
    }

    [Fact]
    public void simple_shuffle_without_weights_spreads_evenly()
    {
        var counts = Count(SimpleShuffle.Instance, [Deployments.Make("a"), Deployments.Make("b")], 8_000);
        Assert.InRange(counts["a"], 3_780, 4_220); // 4000 ± 5 sd (44.7)
    }

    [Fact]
    public void least_busy_picks_the_deployment_with_fewest_calls_in_flight()
    {
        Deployment a = Deployments.Make("a"), b = Deployments.Make("b"), c = Deployments.Make("c");
        _load.Started(a); _load.Started(a); _load.Started(b); _load.Started(c); _load.Started(c);
        Assert.Equal("b", LeastBusy.Instance.Choose([a, b, c], Context()).Id);

        _load.Ended(c); _load.Ended(c);
        Assert.Equal("c", LeastBusy.Instance.Choose([a, b, c], Context()).Id);
    }

    [Fact]
    public void least_busy_shares_ties()
    {
        var counts = Count(LeastBusy.Instance, [Deployments.Make("a"), Deployments.Make("b")], 2_000);
        Assert.All(counts.Values, n => Assert.InRange(n, 800, 1_200));
    }

    [Fact]
    public async Task concurrent_starts_never_exceed_max_parallel_requests()
    {
        var narrow = Deployments.Make("narrow", maxParallel: 3);
        var started = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => _load.TryStart(narrow), TestContext.Current.CancellationToken)));

        Assert.Equal(3, started.Count(s => s));
        Assert.Equal(3, _load.InFlight(narrow));
        _load.Ended(narrow);
        Assert.True(_load.TryStart(narrow));
        Assert.Equal(4, _load.ThisMinute(narrow).Requests); // the 3 and the 1 after: refused starts are not requests
    }

    [Fact]
    public void usage_based_picks_the_lowest_tokens_this_minute_and_forgets_last_minute()
    {
        Deployment a = Deployments.Make("a"), b = Deployments.Make("b");
        _load.AddTokens(a, 500);
        _load.AddTokens(b, 100);
        Assert.Equal("b", LowestTpm.Instance.Choose([a, b], Context()).Id);

        _time.Advance(TimeSpan.FromMinutes(1));
        _load.AddTokens(b, 50);
        Assert.Equal("a", LowestTpm.Instance.Choose([a, b], Context()).Id);
        Assert.True(LowestTpm.Instance.KeepsUnderDeploymentLimits);
    }

    [Fact]
    public void latency_based_picks_the_fastest_per_token_and_tries_unused_deployments_first()
    {
        Deployment fast = Deployments.Make("fast"), slow = Deployments.Make("slow"), unused = Deployments.Make("unused");
        _load.AddLatency(fast, TimeSpan.FromSeconds(1), completionTokens: 100, firstChunk: null); // 0.01 s a token
        _load.AddLatency(slow, TimeSpan.FromSeconds(1), completionTokens: 10, firstChunk: null);  // 0.1 s a token
        var strategy = new LowestLatency(0);

        Assert.Equal("unused", strategy.Choose([fast, slow, unused], Context()).Id);
        Assert.Equal("fast", strategy.Choose([fast, slow], Context()).Id);
    }

    [Fact]
    public void latency_based_uses_time_to_first_chunk_for_streams()
    {
        Deployment a = Deployments.Make("a"), b = Deployments.Make("b");
        _load.AddLatency(a, TimeSpan.FromSeconds(1), 10, firstChunk: TimeSpan.FromSeconds(0.9)); // quick overall, slow to start
        _load.AddLatency(b, TimeSpan.FromSeconds(2), 10, firstChunk: TimeSpan.FromSeconds(0.1));
        var strategy = new LowestLatency(0);

        Assert.Equal("a", strategy.Choose([a, b], Context(stream: false)).Id);
        Assert.Equal("b", strategy.Choose([a, b], Context(stream: true)).Id);
    }

    [Fact]
    public void latency_based_shares_deployments_within_the_buffer_of_the_fastest()
    {
        Deployment a = Deployments.Make("a"), b = Deployments.Make("b"), c = Deployments.Make("c");
        _load.AddLatency(a, TimeSpan.FromSeconds(1.0), 1, null);
        _load.AddLatency(b, TimeSpan.FromSeconds(1.4), 1, null);
        _load.AddLatency(c, TimeSpan.FromSeconds(3.0), 1, null);

        var counts = Count(new LowestLatency(0.5), [a, b, c], 2_000);
        Assert.Equal(0, counts["c"]);
        Assert.All([counts["a"], counts["b"]], n => Assert.InRange(n, 800, 1_200));
        Assert.Equal(2_000, Count(new LowestLatency(0), [a, b, c], 2_000)["a"]);
    }

    [Fact]
    public void a_timeout_makes_a_deployment_look_slow()
    {
        Deployment a = Deployments.Make("a"), b = Deployments.Make("b");
        _load.AddLatency(a, TimeSpan.FromSeconds(5), 1, null);
        _load.AddLatency(b, TimeSpan.FromSeconds(1), 1, null);
        _load.AddTimeout(b);
        Assert.Equal("a", new LowestLatency(0).Choose([a, b], Context()).Id);
    }

    [Fact]
    public void the_latency_average_keeps_only_the_most_recent_calls()
    {
        var load = new DeploymentLoad(_time, latencySamples: 2);
        var a = Deployments.Make("a");
        load.AddLatency(a, TimeSpan.FromSeconds(100), 1, null);
        load.AddLatency(a, TimeSpan.FromSeconds(1), 1, null);
        load.AddLatency(a, TimeSpan.FromSeconds(3), 1, null);
        Assert.Equal(2, load.AverageLatency(a, stream: false), 6);
    }

    [Fact]
    public void cost_based_picks_the_cheapest_and_counts_an_unpriced_deployment_as_dearest()
    {
        Deployment cheap = Deployments.Make("cheap", inputCost: 0.000001m, outputCost: 0.000002m),
            dear = Deployments.Make("dear", inputCost: 0.00001m, outputCost: 0.00003m),
            unknown = Deployments.Make("unknown");
        Assert.Equal("cheap", LowestCost.Instance.Choose([dear, unknown, cheap], Context()).Id);
        Assert.Equal("dear", LowestCost.Instance.Choose([unknown, dear], Context()).Id);
    }

    [Theory]
    [InlineData(null, "simple-shuffle")]
    [InlineData("simple-shuffle", "simple-shuffle")]
    [InlineData("least-busy", "least-busy")]
    [InlineData("usage-based-routing", "usage-based-routing-v2")]
    [InlineData("usage-based-routing-v2", "usage-based-routing-v2")]
    [InlineData("latency-based-routing", "latency-based-routing")]
    [InlineData("cost-based-routing", "cost-based-routing")]
    public void config_names_pick_the_strategy(string? name, string expected) =>
        Assert.Equal(expected, RoutingStrategy.For(name, 0).Name);
}
