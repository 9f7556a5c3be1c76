using System.Diagnostics;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Reliability;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Two gateway processes on one database behind the shipped HAProxy configuration (<see cref="Balancer"/>), clients
/// calling through it in a loop, and one node stopped as Docker stops it: the clients see one gateway that never fails
/// a call.
/// </summary>
public sealed class DrainBehindBalancerTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>Longer than the compose profile's 5 s, for margin on a loaded box: the balancer needs about 2 s.</summary>
    static readonly TimeSpan Drain = TimeSpan.FromSeconds(6);

    FakeOpenAI _upstream = null!;
    string _database = null!;
    GatewayProcess? _a;
    GatewayProcess? _b;
    Balancer? _balancer;

    GatewayProcess A => _a!;
    Balancer Balancer => _balancer!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAI.StartAsync();
        _upstream.Pace = TimeSpan.FromMilliseconds(300);
        _database = await postgres.CreateDatabaseAsync();
        _a = await StartNodeAsync("node-a");
        _b = await StartNodeAsync("node-b");
        _balancer = await Balancer.StartAsync(_a, _b);
    }

    Task<GatewayProcess> StartNodeAsync(string name) => NodeProcesses.StartAsync(postgres, _database, _upstream, $"{name}-{Guid.NewGuid():N}",
        environment: new Dictionary<string, string> { ["GATEWAY_DRAIN_SECONDS"] = Drain.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async ValueTask DisposeAsync()
    {
        if (_balancer is not null)
            await _balancer.DisposeAsync();
        if (_a is not null)
            await _a.DisposeAsync();
        if (_b is not null)
            await _b.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task a_node_stopped_with_sigterm_behind_the_balancer_costs_no_call_and_every_call_answered_is_recorded()
    {
        var load = CallLoad.Start(Balancer.Client, "paced", clients: 6);
        await load.WaitForAnsweredAsync(24, TimeSpan.FromSeconds(90));
        await Poll.Until(() => Balancer.CallsServedBy("gateway-1") >= 3 && Balancer.CallsServedBy("gateway-2") >= 3,
            "both nodes serving calls", TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var terminatedAt = DateTime.UtcNow;
        A.Terminate();
        var exitCode = await A.WaitForExitAsync(Drain + TimeSpan.FromSeconds(60));
        var exitedAt = DateTime.UtcNow;
        var stoppedIn = clock.Elapsed;
        // Calls keep flowing, now through node B alone.
        await Poll.Until(() => load.Outcomes.Count(o => o.Answered && o.SentAt > exitedAt) >= 12,
            "calls answered after node A stopped", TimeSpan.FromSeconds(90));
        var outcomes = await load.StopAsync();

        Assert.True(exitCode == 0, $"node A exit code {exitCode}:\n{A.Output}");
        Assert.True(stoppedIn >= Drain, $"node A stopped {stoppedIn.TotalSeconds:F1} s after SIGTERM, before its drain of {Drain.TotalSeconds} s ended");
        var failed = outcomes.Where(o => !o.Answered).ToList();
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {outcomes.Count} calls failed through the balancer, e.g. {string.Join("; ", failed.Take(3))}\n{Balancer.Output}");

        // The balancer took node A out on its readiness checks while A still served, not when A stopped listening.
        var wentDown = Balancer.WentDownAt("gateway-1");
        Assert.True(wentDown is not null && wentDown < exitedAt, $"haproxy took node A out at {wentDown:HH:mm:ss.fff}, node A exited at {exitedAt:HH:mm:ss.fff}:\n{Balancer.Output}");

        // Every call answered 200 is a RequestCompleted (node B writes its events in the background: wait for them).
        var answered = outcomes.Select(o => Guid.Parse(o.CallId!)).ToHashSet();
        IReadOnlyDictionary<Guid, StoredCalls.Stored> stored = new Dictionary<Guid, StoredCalls.Stored>();
        await Poll.Until(async () => (stored = await StoredCalls.CompletedAsync(_database)).Count >= answered.Count,
            "every answered call stored", TimeSpan.FromSeconds(30));
        Assert.Equal(answered.Count, stored.Count);
        Assert.All(answered, id => Assert.True(stored.TryGetValue(id, out var call) && call.Status == 200, $"call {id} is not stored with status 200"));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{outcomes.Count} calls through the balancer ({outcomes.Count(o => o.Stream)} streamed), {failed.Count} failed; " +
            $"node A served {Balancer.CallsServedBy("gateway-1")}, node B {Balancer.CallsServedBy("gateway-2")}; " +
            $"haproxy took node A out {(wentDown!.Value - terminatedAt).TotalSeconds:F2} s after SIGTERM; node A exited 0 {stoppedIn.TotalSeconds:F2} s after it " +
            $"(drain {Drain.TotalSeconds} s); {outcomes.Count(o => o.SentAt > exitedAt)} calls sent after its exit, all through node B; " +
            $"{stored.Count} RequestCompleted for {answered.Count} calls answered");
    }

    [Fact]
    public async Task calls_the_balancer_sends_to_a_node_that_died_before_its_checks_noticed_go_to_the_other_node()
    {
        var load = CallLoad.Start(Balancer.Client, "paced", clients: 6);
        await load.WaitForAnsweredAsync(24, TimeSpan.FromSeconds(90));
        await Poll.Until(() => Balancer.CallsServedBy("gateway-1") >= 3 && Balancer.CallsServedBy("gateway-2") >= 3,
            "both nodes serving calls", TimeSpan.FromSeconds(60));

        // A crash: no drain, the calls node A was serving are lost with it (they were sent; they are not sent twice).
        A.Kill();
        await A.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exitedAt = DateTime.UtcNow;
        await Poll.Until(() => load.Outcomes.Count(o => o.Answered && o.SentAt > exitedAt) >= 12,
            "calls answered after node A died", TimeSpan.FromSeconds(90));
        var outcomes = await load.StopAsync();

        // Until two failed checks take node A out, the balancer still picks it (it has the fewest calls in progress):
        // the connection is refused, and the call goes to node B.
        var after = outcomes.Where(o => o.SentAt > exitedAt).ToList();
        var failed = after.Where(o => !o.Answered).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {after.Count} calls sent after node A died failed, e.g. {string.Join("; ", failed.Take(3))}\n{Balancer.Output}");
        var wentDown = Balancer.WentDownAt("gateway-1");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{outcomes.Count(o => o.SentAt <= exitedAt && !o.Answered)} calls in flight on node A lost with it; {after.Count} calls sent after it died, " +
            $"{failed.Count} failed, {Balancer.CallsRedispatched()} redispatched to node B after a refused connection; " +
            $"haproxy took node A out {(wentDown is { } at ? $"{(at - exitedAt).TotalSeconds:F2} s after it died" : "never")}");
    }
}
