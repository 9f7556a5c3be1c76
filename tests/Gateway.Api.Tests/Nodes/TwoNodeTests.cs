using System.Text.Json;
using Alba;
using Gateway.Api.Limits;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Two gateways on one database, as behind a load balancer: what an admin does on one takes effect on the other, and
/// a budget is shared, each node charging the calls the other served.
/// </summary>
public sealed class TwoNodeTests(PostgresFixture postgres) : IAsyncLifetime
{
    IAlbaHost _a = null!;
    IAlbaHost _b = null!;

    string _database = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var database = new Dictionary<string, string?> { ["DATABASE_URL"] = _database };
        _a = await GatewayTestHost.StartAsync(postgres, settings: database);
        _b = await GatewayTestHost.StartAsync(postgres, settings: database);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    static Task Eventually(Func<Task<bool>> condition, string what) =>
        Poll.Until(condition, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

    static decimal Spent(IAlbaHost node, BudgetScope scope) => node.Services.GetRequiredService<BudgetLedger>().Spent(scope);

    [Fact]
    public async Task a_team_budget_holds_across_both_nodes()
    {
        var oneCall = (await _a.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        await _a.AdminPost("/team/new", new { team_id = "shared", max_budget = oneCall * 2.5m });
        var key = (await _a.AdminPost("/key/generate", new { team_id = "shared" })).GetProperty("key").GetString()!;
        var team = BudgetScope.ForTeam("shared");

        Assert.Equal(200, (await _a.Chat(key)).Context.Response.StatusCode);
        await Eventually(() => Task.FromResult(Spent(_b, team) == oneCall), "node B learning of node A's call");

        Assert.Equal(200, (await _b.Chat(key)).Context.Response.StatusCode);
        await Eventually(() => Task.FromResult(Spent(_a, team) == 2 * oneCall), "node A learning of node B's call");

        Assert.Equal(400, (await _a.Chat(key)).Context.Response.StatusCode);
        Assert.Equal(400, (await _b.Chat(key)).Context.Response.StatusCode);
        // Each node counted each call once: its own when it settled, the other's from the feed.
        Assert.Equal(2 * oneCall, Spent(_a, team));
        Assert.Equal(2 * oneCall, Spent(_b, team));
    }

    [Fact]
    public async Task blocking_a_key_or_a_team_on_one_node_stops_it_on_the_other()
    {
        await _a.AdminPost("/team/new", new { team_id = "ops" });
        var key = (await _a.AdminPost("/key/generate", new { team_id = "ops" })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await _b.Chat(key)).Context.Response.StatusCode);

        await _a.AdminPost("/key/block", new { key });
        await Eventually(async () => (await _b.Chat(key)).Context.Response.StatusCode == 401, "node B refusing the blocked key");

        await _b.AdminPost("/key/unblock", new { key });
        await Eventually(async () => (await _a.Chat(key)).Context.Response.StatusCode == 200, "node A accepting the unblocked key");

        await _b.AdminPost("/team/block", new { team_id = "ops" });
        await Eventually(async () => (await _a.Chat(key)).Context.Response.StatusCode == 401, "node A refusing the blocked team's key");
    }

    [Fact]
    public async Task a_key_first_refused_as_unknown_on_one_node_works_there_once_issued_on_the_other()
    {
        var key = KeyPlaintext.Generate();
        Assert.Equal(401, (await _b.Chat(key)).Context.Response.StatusCode);

        await _a.AdminPost("/key/generate", new { key });
        await Eventually(async () => (await _b.Chat(key)).Context.Response.StatusCode == 200, "node B accepting the new key");
    }

    [Fact]
    public async Task the_feed_moves_past_a_sequence_number_that_never_commits()
    {
        await _a.AdminPost("/team/new", new { team_id = "gap" });
        var key = (await _a.AdminPost("/key/generate", new { team_id = "gap" })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await _b.Chat(key)).Context.Response.StatusCode);

        // A transaction that took a sequence number and rolled back leaves a hole the feed must not wait on for ever.
        await using (var connection = new Npgsql.NpgsqlConnection(_database))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new Npgsql.NpgsqlCommand($"select nextval('{Gateway.Domain.Configuration.SchemaName}.mt_events_sequence')", connection);
            await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }
        await _a.AdminPost("/team/block", new { team_id = "gap" });

        await Eventually(async () => (await _b.Chat(key)).Context.Response.StatusCode == 401, "node B refusing the blocked team's key");
    }
}
