using Alba;
using Gateway.Api.Access;
using Gateway.Api.Limits.Shared;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Two gateways on one database sharing one Redis, as behind a load balancer: a burst split across them cannot spend
/// past a budget together, they share one RPM count, and a Redis that goes away costs no call.
/// </summary>
public sealed class RedisAcrossNodesTests(PostgresFixture postgres) : IAsyncLifetime
{
    RedisServer _redis = null!;
    IAlbaHost _a = null!;
    IAlbaHost _b = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = _redis.Settings;
        settings["DATABASE_URL"] = await postgres.CreateDatabaseAsync();
        _a = await GatewayTestHost.StartAsync(postgres, settings: settings);
        _b = await GatewayTestHost.StartAsync(postgres, settings: settings);
        await Eventually(() => Link(_a).Up && Link(_b).Up, "both nodes reaching Redis");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_a is not null)
                await _a.DisposeAsync();
            if (_b is not null)
                await _b.DisposeAsync();
        }
        finally
        {
            // The redis-server is stopped whatever the hosts did on the way down.
            if (_redis is not null)
                await _redis.DisposeAsync();
        }
    }

    static RedisLink Link(IAlbaHost node) => node.Services.GetRequiredService<RedisLink>();

    static Task Eventually(Func<bool> condition, string what) => Poll.Until(condition, what, TimeSpan.FromSeconds(30));

    /// <summary>Calls split evenly across both nodes, all at once; the status of each.</summary>
    async Task<int[]> Burst(string key, int calls) =>
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
            (await (i % 2 == 0 ? _a : _b).Chat(key)).Context.Response.StatusCode));

    [Fact]
    public async Task a_burst_split_across_both_nodes_never_spends_past_the_team_budget()
    {
        const int budgetInCalls = 6;
        var oneCall = (await _a.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var maxBudget = oneCall * budgetInCalls;
        await _a.AdminPost("/team/new", new { team_id = "burst", max_budget = maxBudget });
        var key = (await _a.AdminPost("/key/generate", new { team_id = "burst" })).GetProperty("key").GetString()!;
        // Node B learns of the new team from the event feed; the burst is about spending, not about that lag.
        await Eventually(() => _b.Services.GetRequiredService<Roster>().Team("burst") is not null, "node B learning of the team");

        var statuses = await Burst(key, budgetInCalls * 4);

        var served = statuses.Count(s => s == 200);
        Assert.All(statuses, s => Assert.True(s is 200 or 400, $"status {s}"));
        Assert.InRange(served, 1, budgetInCalls);
        await _b.EventsPersisted();
        var spent = (await _a.Events<RequestCompleted>()).Where(e => e.TeamId == "burst").Sum(e => e.Cost);
        Assert.True(spent <= maxBudget, $"spent {spent} of a {maxBudget} budget");
    }

    [Fact]
    public async Task a_redis_that_restarts_empty_starts_each_budget_from_what_was_already_spent()
    {
        const int budgetInCalls = 6;
        var oneCall = (await _a.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var maxBudget = oneCall * budgetInCalls;
        await _a.AdminPost("/team/new", new { team_id = "reseed", max_budget = maxBudget });
        var key = (await _a.AdminPost("/key/generate", new { team_id = "reseed" })).GetProperty("key").GetString()!;
        await Eventually(() => _b.Services.GetRequiredService<Roster>().Team("reseed") is not null, "node B learning of the team");
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await (i % 2 == 0 ? _a : _b).Chat(key)).Context.Response.StatusCode);
        var team = Gateway.Domain.Budgets.BudgetScope.ForTeam("reseed");
        await Eventually(() => Spent(_a, team) == 3 * oneCall && Spent(_b, team) == 3 * oneCall, "both nodes counting the three calls");

        _redis.Kill();
        await Eventually(() => !Link(_a).Up && !Link(_b).Up, "both nodes noticing Redis is gone");
        await _redis.RestartAsync();
        await Eventually(() => Link(_a).Up && Link(_b).Up, "both nodes reaching the restarted Redis");
        var statuses = await Burst(key, budgetInCalls * 3);

        Assert.InRange(statuses.Count(s => s == 200), 1, budgetInCalls - 3);
        await _a.EventsPersisted();
        await _b.EventsPersisted();
        var spent = (await _a.Events<RequestCompleted>()).Where(e => e.TeamId == "reseed").Sum(e => e.Cost);
        Assert.True(spent <= maxBudget, $"spent {spent} of a {maxBudget} budget");
    }

    static decimal Spent(IAlbaHost node, Gateway.Domain.Budgets.BudgetScope scope) =>
        node.Services.GetRequiredService<Gateway.Api.Limits.BudgetLedger>().Spent(scope);

    [Fact]
    public async Task an_rpm_limit_is_one_count_for_both_nodes()
    {
        await ClockMinute.StartWellInside();
        var key = (await _a.AdminPost("/key/generate", new { rpm_limit = 5 })).GetProperty("key").GetString()!;
        // Node B learns of the key by looking it up; do that first so the burst is about counting only.
        Assert.Equal(200, (await _b.Chat(key)).Context.Response.StatusCode);

        var statuses = await Burst(key, 12);

        Assert.Equal(4, statuses.Count(s => s == 200));
        Assert.Equal(8, statuses.Count(s => s == 429));
    }

    [Fact]
    public async Task calls_are_served_while_redis_is_away_and_limits_are_shared_again_once_it_is_back()
    {
        await ClockMinute.StartWellInside();
        var key = (await _a.AdminPost("/key/generate", new { max_budget = 100 })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await _b.Chat(key)).Context.Response.StatusCode);

        _redis.Kill();
        var whileAway = await Burst(key, 6);
        Assert.All(whileAway, s => Assert.Equal(200, s));
        Assert.False(Link(_a).Up || Link(_b).Up);

        await _redis.RestartAsync();
        await Eventually(() => Link(_a).Up && Link(_b).Up, "both nodes reaching Redis again");
        var limited = (await _a.AdminPost("/key/generate", new { rpm_limit = 2 })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await _b.Chat(limited)).Context.Response.StatusCode);
        Assert.Equal(200, (await _a.Chat(limited)).Context.Response.StatusCode);
        Assert.Equal(429, (await _b.Chat(limited)).Context.Response.StatusCode);
    }
}
