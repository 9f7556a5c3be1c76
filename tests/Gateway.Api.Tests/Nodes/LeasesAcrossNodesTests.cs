using Alba;
using Gateway.Api.Access;
using Gateway.Api.Limits.Shared;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Two gateways on one database and no Redis: hard budgets are shared through leases from PostgreSQL, so a burst split
/// across them cannot spend past a budget together, and a node that stopped renewing its lease gives its headroom back.
/// </summary>
public sealed class LeasesAcrossNodesTests(PostgresFixture postgres) : IAsyncLifetime
{
    IAlbaHost _a = null!;
    IAlbaHost _b = null!;
    string _database = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["DATABASE_URL"] = _database };
        _a = await GatewayTestHost.StartAsync(postgres, settings: settings);
        _b = await GatewayTestHost.StartAsync(postgres, settings: settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    static Task Eventually(Func<bool> condition, string what) => Poll.Until(condition, what, TimeSpan.FromSeconds(30));

    async Task<int[]> Burst(string key, int calls) =>
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
            (await (i % 2 == 0 ? _a : _b).Chat(key)).Context.Response.StatusCode));

    async Task<(string Key, decimal MaxBudget)> TeamKey(string team, int budgetInCalls)
    {
        var oneCall = (await _a.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        await _a.AdminPost("/team/new", new { team_id = team, max_budget = oneCall * budgetInCalls });
        var key = (await _a.AdminPost("/key/generate", new { team_id = team })).GetProperty("key").GetString()!;
        await Eventually(() => _b.Services.GetRequiredService<Roster>().Team(team) is not null, "node B learning of the team");
        return (key, oneCall * budgetInCalls);
    }

    async Task Sql(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task a_burst_split_across_both_nodes_never_spends_past_the_team_budget()
    {
        const int budgetInCalls = 6;
        var (key, maxBudget) = await TeamKey("burst", budgetInCalls);

        var statuses = await Burst(key, budgetInCalls * 4);

        var served = statuses.Count(s => s == 200);
        Assert.All(statuses, s => Assert.True(s is 200 or 400, $"status {s}"));
        Assert.InRange(served, 1, budgetInCalls);
        await _a.EventsPersisted();
        await _b.EventsPersisted();
        var spent = (await _a.Events<RequestCompleted>()).Where(e => e.TeamId == "burst").Sum(e => e.Cost);
        Assert.True(spent <= maxBudget, $"spent {spent} of a {maxBudget} budget");
    }

    [Fact]
    public async Task the_account_is_charged_what_the_store_records()
    {
        var (key, _) = await TeamKey("charged", 50);

        var statuses = await Burst(key, 8);

        Assert.All(statuses, s => Assert.Equal(200, s));
        await _a.EventsPersisted();
        await _b.EventsPersisted();
        var recorded = (await _a.Events<RequestCompleted>()).Where(e => e.TeamId == "charged").Sum(e => e.Cost);
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"select spent from gateway.{BudgetLeases.AccountsTable} where account like 'team:charged@%'", connection);
        Assert.Equal(recorded, (decimal)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task headroom_leased_by_a_node_that_stopped_renewing_returns_to_the_others_when_its_lease_expires()
    {
        var (key, maxBudget) = await TeamKey("orphan", 4);
        // A third node leased all of the budget and died: its lease stays live for a few seconds more.
        await Sql($"""
            insert into gateway.{BudgetLeases.LeasesTable} (account, node, amount, expires_at)
            values ('team:orphan@lifetime', gen_random_uuid(), $1, now() + interval '8 seconds')
            """, maxBudget);

        Assert.Equal(400, (await _b.Chat(key)).Context.Response.StatusCode);

        await Poll.Until(async () => (await _b.Chat(key)).Context.Response.StatusCode == 200,
            "the dead node's lease giving its headroom back", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        Assert.Equal(200, (await _a.Chat(key)).Context.Response.StatusCode);
    }
}
