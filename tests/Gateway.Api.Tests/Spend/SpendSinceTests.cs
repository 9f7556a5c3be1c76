using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Marten;
using Marten.Events;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Api.Tests.Spend.RecordedCalls;

namespace Gateway.Api.Tests.Spend;

public sealed class SpendSinceTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    static readonly DateTimeOffset Since = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Calls of several owners, before, at and after <see cref="Since"/>; costs distinct enough to tell sums apart.</summary>
    static List<object> Calls(decimal scale) =>
    [
        Completed(Since.AddDays(-1), 1.00m * scale, key: "key-a", team: "team-1", user: "alice", customer: "acme"),
        Completed(Since, 0.20m * scale, key: "key-a", team: "team-1", user: "alice", customer: "acme"),
        Completed(Since.AddHours(3), 0.03m * scale, key: "key-a", team: "team-1", user: "alice", customer: "globex", group: "claude"),
        Completed(Since.AddHours(5), 0.004m * scale, key: "key-b", team: "team-2", user: "bob"),
        Completed(Since.AddDays(2), 0.0005m * scale, key: "key-b", team: "team-1", user: "alice", customer: "acme"),
        Failed(Since.AddDays(1), 0.00006m * scale, key: "key-a", team: "team-1", user: "alice", customer: "acme"),
        Failed(Since.AddDays(1), 0m, key: "key-b", team: "team-2", user: "bob", group: "no-such-model"),
        Completed(Since.AddTicks(-10), 7m * scale, key: "key-b", team: "team-2", user: "bob", customer: "acme"),
    ];

    static readonly SpendFilter[] Filters =
    [
        new(null, null, null, null, null, Since),
        new("key-a", null, null, null, null, Since),
        new("key-b", null, null, null, null, Since),
        new(null, "team-1", null, null, null, Since),
        new(null, null, "alice", null, null, Since),
        new(null, null, null, "acme", null, Since),
        new(null, null, null, null, "claude", Since),
        new("key-a", "team-1", "alice", "acme", "gpt-4o", Since),
        new("key-a", null, null, null, null, Since.AddDays(-30)),
        new("nobody", null, null, null, null, Since),
    ];

    /// <summary>What each filter should sum to, computed from the events themselves.</summary>
    static decimal Expected(IEnumerable<object> calls, SpendFilter f) => calls.Sum(call => call switch
    {
        RequestCompleted e when Matches(f, e.StartedAt, e.KeyHash, e.TeamId, e.UserId, e.CustomerId, e.ModelGroup) => e.Cost,
        RequestFailed e when Matches(f, e.StartedAt, e.KeyHash, e.TeamId, e.UserId, e.CustomerId, e.ModelGroup) => e.Cost,
        _ => 0m,
    });

    static bool Matches(SpendFilter f, DateTimeOffset started, string? key, string? team, string? user, string? customer, string? group) =>
        started >= f.Since && (f.KeyHash is null || f.KeyHash == key) && (f.TeamId is null || f.TeamId == team)
        && (f.UserId is null || f.UserId == user) && (f.EndUser is null || f.EndUser == customer)
        && (f.ModelGroup is null || f.ModelGroup == group);

    async Task AssertSums(IReadOnlyCollection<object> calls)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var filter in Filters)
            Assert.True(Expected(calls, filter) == await SpendSince.SumAsync(session, filter, TestContext.Current.CancellationToken), $"{filter}");
    }

    async Task<int> LoggedRequests()
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<SpendLog>().CountAsync(TestContext.Current.CancellationToken);
    }

    async Task<long> LogMark()
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        var progress = await store.Advanced.AllProjectionProgress(token: TestContext.Current.CancellationToken);
        return progress.SingleOrDefault(p => p.ShardName == SpendSince.LogShard)?.Sequence ?? 0;
    }

    [Fact]
    public async Task sums_are_exact_whether_the_request_log_is_behind_caught_up_or_half_way()
    {
        var first = Calls(1m);
        var second = Calls(10m);
        Assert.True(Expected(first, Filters[1]) > 0 && Expected(first, Filters[6]) > 0, "the examples must exercise the filters");

        // Nothing projected yet: every cent comes from the events.
        await Host.PauseDaemon();
        await Host.Record(first);
        Assert.Equal(0, await LoggedRequests());
        await AssertSums(first);

        // Caught up: every cent comes from the request log.
        await Host.ResumeDaemon();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first.Count, await LoggedRequests());
        Assert.True(await LogMark() > 0, $"the daemon's mark for {SpendSince.LogShard}, which the sum reads the log up to");
        await AssertSums(first);

        // Half way: the first calls from the log, the second from the events, none twice.
        await Host.PauseDaemon();
        await Host.Record(second);
        Assert.Equal(first.Count, await LoggedRequests());
        await AssertSums([.. first, .. second]);

        await Host.ResumeDaemon();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first.Count + second.Count, await LoggedRequests());
        await AssertSums([.. first, .. second]);
    }

    [Fact]
    public async Task a_key_sum_reads_the_request_log_through_its_index()
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        var ct = TestContext.Current.CancellationToken;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        // Tiny tables are cheapest to scan; forbid that, so the plan shows whether an index can serve the filter.
        await using (var off = new NpgsqlCommand("set enable_seqscan = off", connection))
            await off.ExecuteNonQueryAsync(ct);
        await using var session = store.QuerySession(Marten.Services.SessionOptions.ForConnection(connection));

        var (sql, parameters) = SpendSince.Sql(store.Options, new SpendFilter("key-a", null, null, null, null, Since));
        var plan = string.Join("\n", await session.AdvancedSql.QueryAsync<string>("explain " + sql, ct, parameters));
        Assert.Matches(@"Index (Only )?Scan using \S*key_hash\S* on \S*spendlog", plan);
    }
}
