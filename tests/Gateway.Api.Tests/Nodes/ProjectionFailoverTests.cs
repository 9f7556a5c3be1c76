using System.Diagnostics;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// The async daemon (spend rollups, the request log) runs each projection on one node of many — Marten's HotCold
/// leadership, one PostgreSQL advisory lock per projection — and moves to another node when that one dies.
/// </summary>
public sealed class ProjectionFailoverTests(PostgresFixture postgres)
{
    /// <summary>Generous for a loaded CI box: measured at one to two seconds (docs/multi-node.md).</summary>
    static readonly TimeSpan TakeoverBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task when_the_node_running_the_projections_is_killed_the_other_takes_them_over_and_spend_stays_exact()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var nameA = $"node-a-{Guid.NewGuid():N}";
        var nameB = $"node-b-{Guid.NewGuid():N}";
        await using var a = await NodeProcesses.StartAsync(postgres, database, upstream, nameA);
        await NodeProcesses.UntilAsync(async () => await NodeProcesses.ProjectionLeaderAsync(database) == nameA, TimeSpan.FromSeconds(60),
            "node A taking the projections", () => a.Output);
        await using var b = await NodeProcesses.StartAsync(postgres, database, upstream, nameB);

        var issued = await a.AdminAsync("/key/generate", new { });
        var key = issued.GetProperty("key").GetString()!;
        var keyHash = issued.GetProperty("token").GetString()!;
        var before = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            before.Add(await Served(a, key));
            before.Add(await Served(b, key));
        }
        await UntilProjected(database, before, "the calls before the kill");
        // Each projection ran once, on A alone: B holds none of their locks.
        Assert.Equal(nameA, await NodeProcesses.ProjectionLeaderAsync(database));

        a.Kill();
        var killed = Stopwatch.GetTimestamp();
        await a.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var after = new List<Guid>();
        for (var i = 0; i < 10; i++)
            after.Add(await Served(b, key));

        await NodeProcesses.UntilAsync(async () => await NodeProcesses.ProjectionLeaderAsync(database) == nameB, TakeoverBound,
            "node B taking the projections", () => b.Output);
        var takenOver = Stopwatch.GetElapsedTime(killed);
        await UntilProjected(database, after, "the calls after the kill");
        var projected = Stopwatch.GetElapsedTime(killed);

        // Nothing applied twice or skipped across the handover: the rollup is the sum of the key's events.
        var spend = await NodeProcesses.KeySpendAsync(database, keyHash);
        Assert.Equal(spend.EventRequests, spend.Requests);
        Assert.Equal(spend.EventSpend, spend.Spend);
        Assert.Equal(before.Count + after.Count, spend.Requests);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"node B held every projection {takenOver.TotalMilliseconds:F0} ms after node A was killed; the calls made on B after the kill " +
            $"were in the request log and the key's spend {projected.TotalMilliseconds:F0} ms after it; spend {spend.Spend} over {spend.Requests} calls");
    }

    static async Task<Guid> Served(GatewayProcess node, string key)
    {
        var (status, callId) = await node.ChatAsync(key);
        Assert.Equal(200, status);
        return callId!.Value;
    }

    /// <summary>Waits until the calls are stored and every async projection has applied them.</summary>
    static Task<TimeSpan> UntilProjected(string database, IReadOnlyList<Guid> calls, string what) =>
        NodeProcesses.UntilAsync(async () =>
        {
            var sequences = await NodeProcesses.SequencesAsync(database, calls);
            return sequences.All(s => s is not null)
                && await NodeProcesses.SlowestProjectionAsync(database) >= sequences.Max()
                && await NodeProcesses.InSpendLogAsync(database, calls) == calls.Count;
        }, TimeSpan.FromSeconds(60), $"the projections applying {what}");
}
