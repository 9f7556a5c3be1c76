using Gateway.Api.Limits.Shared;
using Gateway.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// The arithmetic of the shared limits' Lua scripts, run by a real redis-server: seeding once, all-or-nothing holds,
/// settling, a dead node's holds given back, and whole nano-dollars kept exact past what Lua prints plainly.
/// </summary>
public sealed class RedisScriptTests : IAsyncLifetime
{
    const string Prefix = "{test}:";
    RedisServer _server = null!;
    ConnectionMultiplexer _redis = null!;
    IDatabase _db = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync($"{_server.Host}:{_server.Port}");
        _db = _redis.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _redis.DisposeAsync();
        }
        finally
        {
            await _server.DisposeAsync();
        }
    }

    static long[] Answer(params long[] values) => values;

    /// <summary>Reserve as <paramref name="node"/>: amount against (account, max, seed) budgets; the script's answer.</summary>
    async Task<long[]> Reserve(string node, long amount, params (string Account, long Max, long Seed)[] budgets) =>
        await Reserve(node, 10_000, amount, budgets);

    async Task<long[]> Reserve(string node, long heartbeatMs, long amount, params (string Account, long Max, long Seed)[] budgets)
    {
        var args = new List<RedisValue> { Prefix, node, heartbeatMs, amount, budgets.Length };
        foreach (var (account, max, seed) in budgets)
            args.AddRange([account, max, seed, 60_000]);
        var answer = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Reserve, null, [.. args]))!;
        return [.. answer.Select(a => (long)a)];
    }

    async Task Settle(string node, long held, long cost, params string[] accounts)
    {
        var args = new List<RedisValue> { Prefix, node, held, cost, accounts.Length };
        foreach (var account in accounts)
            args.AddRange([account, 60_000]);
        await _db.ScriptEvaluateAsync(RedisScripts.Settle, null, [.. args]);
    }

    async Task<long?> Field(string account, string field) =>
        (long?)await _db.HashGetAsync(Prefix + "b:" + account, field);

    [Fact]
    public async Task a_budget_starts_from_the_first_seed_and_later_seeds_do_not_overwrite_it()
    {
        Assert.Equal(Answer(0, 0), await Reserve("a", 50, ("team:t@1", 1_000, 100)));
        Assert.Equal(Answer(0, 0), await Reserve("b", 50, ("team:t@1", 1_000, 999)));

        Assert.Equal(100, await Field("team:t@1", "spent"));
        Assert.Equal(50, await Field("team:t@1", "n:a"));
        Assert.Equal(50, await Field("team:t@1", "n:b"));
    }

    [Fact]
    public async Task a_call_is_refused_when_spend_plus_every_nodes_holds_plus_it_would_pass_the_maximum()
    {
        Assert.Equal(Answer(0, 0), await Reserve("a", 400, ("team:t@1", 1_000, 100)));
        Assert.Equal(Answer(0, 0), await Reserve("b", 500, ("team:t@1", 1_000, 0)));

        // 100 spent + 900 held: 1 more would pass 1000.
        Assert.Equal(Answer(1, 100), await Reserve("b", 1, ("team:t@1", 1_000, 0)));
        Assert.Equal(Answer(0, 0), await Reserve("b", 0, ("team:t@1", 1_000, 0)));
    }

    [Fact]
    public async Task a_refusal_by_any_budget_holds_nothing_on_the_others()
    {
        Assert.Equal(Answer(2, 90), await Reserve("a", 20, ("key:k@lifetime", 1_000, 0), ("team:t@1", 100, 90)));

        Assert.Null(await Field("key:k@lifetime", "n:a"));
        Assert.Null(await Field("team:t@1", "n:a"));
        Assert.Equal(Answer(0, 0), await Reserve("a", 10, ("key:k@lifetime", 1_000, 0), ("team:t@1", 100, 90)));
        Assert.Equal(10, await Field("key:k@lifetime", "n:a"));
        Assert.Equal(10, await Field("team:t@1", "n:a"));
    }

    [Fact]
    public async Task settling_gives_the_hold_back_and_adds_the_real_cost()
    {
        await Reserve("a", 300, ("team:t@1", 1_000, 100));
        await Reserve("a", 200, ("team:t@1", 1_000, 100));

        await Settle("a", 300, 120, "team:t@1");

        Assert.Equal(220, await Field("team:t@1", "spent"));
        Assert.Equal(200, await Field("team:t@1", "n:a"));
        await Settle("a", 200, 0, "team:t@1");
        Assert.Null(await Field("team:t@1", "n:a"));
        // A node whose hold was already dropped (it was taken for dead) never goes below nothing.
        await Settle("a", 500, 5, "team:t@1");
        Assert.Null(await Field("team:t@1", "n:a"));
        Assert.Equal(225, await Field("team:t@1", "spent"));
    }

    [Fact]
    public async Task a_settlement_for_a_budget_redis_no_longer_has_is_left_for_the_next_seed()
    {
        await Settle("a", 0, 70, "team:gone@1");

        Assert.Null(await Field("team:gone@1", "spent"));
        Assert.Equal(Answer(0, 0), await Reserve("a", 10, ("team:gone@1", 1_000, 70)));
        Assert.Equal(70, await Field("team:gone@1", "spent"));
    }

    [Fact]
    public async Task the_holds_of_a_node_whose_heartbeat_expired_are_given_back()
    {
        Assert.Equal(Answer(0, 0), await Reserve("dead", 300, 900, ("team:t@1", 1_000, 0)));
        Assert.Equal(Answer(1, 0), await Reserve("live", 200, ("team:t@1", 1_000, 0)));

        await Poll.Until(async () => !await _db.KeyExistsAsync(Prefix + "node:dead"), "the dead node's heartbeat expiring", TimeSpan.FromSeconds(10));

        Assert.Equal(Answer(0, 0), await Reserve("live", 200, ("team:t@1", 1_000, 0)));
        Assert.Null(await Field("team:t@1", "n:dead"));
    }

    [Fact]
    public async Task sums_past_what_lua_prints_plainly_stay_exact()
    {
        // 3e15 nano-dollars (three million dollars): Lua would print 3e+15 for such a number.
        const long big = 3_000_000_000_000_000;
        await Reserve("a", big, ("proxy:proxy@1", 8_000_000_000_000_000, 1));
        await Reserve("a", 7, ("proxy:proxy@1", 8_000_000_000_000_000, 1));
        await Settle("a", 7, big + 1, "proxy:proxy@1");

        Assert.Equal(big, await Field("proxy:proxy@1", "n:a"));
        Assert.Equal(big + 2, await Field("proxy:proxy@1", "spent"));
    }

    async Task<long[]> Acquire(string node, params (string Scope, long Rpm, long Tpm, long Parallel)[] limits)
    {
        var args = new List<RedisValue> { Prefix, node, 10_000, limits.Length };
        foreach (var (scope, rpm, tpm, parallel) in limits)
            args.AddRange([scope, rpm, tpm, parallel]);
        var answer = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Acquire, null, [.. args]))!;
        return [.. answer.Select(a => (long)a)];
    }

    async Task Release(string node, int tokens, params (string Scope, bool Parallel)[] limits)
    {
        var args = new List<RedisValue> { Prefix, node, tokens, limits.Length };
        foreach (var (scope, parallel) in limits)
            args.AddRange([scope, parallel ? "1" : "0"]);
        await _db.ScriptEvaluateAsync(RedisScripts.Release, null, [.. args]);
    }

    [Fact]
    public async Task requests_per_minute_are_counted_across_nodes_and_refused_past_the_limit()
    {
        await ClockMinute.StartWellInside();
        Assert.Equal(0, (await Acquire("a", ("key:k", 3, -1, -1)))[0]);
        Assert.Equal(0, (await Acquire("b", ("key:k", 3, -1, -1)))[0]);
        Assert.Equal(0, (await Acquire("a", ("key:k", 3, -1, -1)))[0]);
        var refused = await Acquire("b", ("key:k", 3, -1, -1));

        Assert.Equal(1, refused[0]);
        Assert.Equal(1, refused[1]);
        Assert.Equal(0, refused[2] % 60);
    }

    [Fact]
    public async Task a_refusal_by_one_scope_takes_no_request_in_the_others()
    {
        await ClockMinute.StartWellInside();
        Assert.Equal(0, (await Acquire("a", ("team:t", 1, -1, -1)))[0]);
        Assert.Equal(2, (await Acquire("a", ("key:k", 5, -1, -1), ("team:t", 1, -1, -1)))[0]);

        var minute = (long)(await Acquire("a", ("key:k", 5, -1, -1)))[2];
        Assert.Equal(1, (long)await _db.HashGetAsync($"{Prefix}m:key:k:{minute}", "r"));
    }

    [Fact]
    public async Task tokens_count_when_calls_end_and_refuse_once_the_minute_has_used_them()
    {
        await ClockMinute.StartWellInside();
        Assert.Equal(0, (await Acquire("a", ("key:k", -1, 100, -1)))[0]);
        await Release("a", 100, ("key:k", false));

        Assert.Equal(Answer(1, 2), (await Acquire("b", ("key:k", -1, 100, -1)))[..2]);
    }

    [Fact]
    public async Task parallel_slots_are_shared_and_freed_when_calls_end()
    {
        Assert.Equal(0, (await Acquire("a", ("team:t", -1, -1, 2)))[0]);
        Assert.Equal(0, (await Acquire("b", ("team:t", -1, -1, 2)))[0]);
        Assert.Equal(Answer(1, 3), (await Acquire("a", ("team:t", -1, -1, 2)))[..2]);

        await Release("b", 0, ("team:t", true));
        Assert.Equal(0, (await Acquire("a", ("team:t", -1, -1, 2)))[0]);
    }
}
