using System.Text.Json;
using Alba;
using Gateway.Api.Limits;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Budgets;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Nodes;

/// <summary>Budgets remember what was spent before this node started, or before the budget existed.</summary>
public sealed class RestartTests(PostgresFixture postgres)
{
    [Fact]
    public async Task after_a_restart_team_user_end_user_and_windowed_key_budgets_still_count_earlier_calls()
    {
        var settings = new Dictionary<string, string?> { ["DATABASE_URL"] = await postgres.CreateDatabaseAsync() };
        string teamKey, userKey, windowedKey;
        decimal oneCall;
        await using (var before = await GatewayTestHost.StartAsync(postgres, settings: settings))
        {
            oneCall = (await before.Chat(GatewayTestHost.MasterKey)).ResponseCost();
            await before.AdminPost("/team/new", new { team_id = "t", max_budget = oneCall * 1.5m, budget_duration = "30d" });
            await before.AdminPost("/user/new", new { user_id = "u", max_budget = oneCall * 1.5m });
            await before.AdminPost("/customer/new", new { user_id = "c", max_budget = oneCall * 1.5m });
            teamKey = (await before.AdminPost("/key/generate", new { team_id = "t" })).GetProperty("key").GetString()!;
            userKey = (await before.AdminPost("/key/generate", new { user_id = "u" })).GetProperty("key").GetString()!;
            windowedKey = (await before.AdminPost("/key/generate", new { max_budget = oneCall * 1.5m, budget_duration = "1d" })).GetProperty("key").GetString()!;

            Assert.Equal(200, (await before.Chat(teamKey)).Context.Response.StatusCode);
            Assert.Equal(200, (await before.Chat(userKey)).Context.Response.StatusCode);
            Assert.Equal(200, (await before.Chat(GatewayTestHost.MasterKey, user: "c")).Context.Response.StatusCode);
            Assert.Equal(200, (await before.Chat(windowedKey)).Context.Response.StatusCode);
            await before.EventsPersisted();
        }

        await using var after = await GatewayTestHost.StartAsync(postgres, settings: settings);
        Assert.Equal(400, (await after.Chat(teamKey)).Context.Response.StatusCode);
        Assert.Equal(400, (await after.Chat(userKey)).Context.Response.StatusCode);
        Assert.Equal(400, (await after.Chat(GatewayTestHost.MasterKey, user: "c")).Context.Response.StatusCode);
        Assert.Equal(400, (await after.Chat(windowedKey)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_budget_given_to_a_team_later_counts_what_the_team_spent_before()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres);
        var oneCall = (await host.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        await host.AdminPost("/team/new", new { team_id = "late" });
        var key = (await host.AdminPost("/key/generate", new { team_id = "late" })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await host.Chat(key)).Context.Response.StatusCode);
        Assert.Equal(200, (await host.Chat(key)).Context.Response.StatusCode);
        await host.EventsPersisted();

        await host.AdminPost("/team/update", new { team_id = "late", max_budget = oneCall * 2.5m });
        var ledger = host.Services.GetRequiredService<BudgetLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ledger.Spent(BudgetScope.ForTeam("late")) < 2 * oneCall)
        {
            Assert.True(DateTime.UtcNow < deadline, "the team's earlier spend was not seeded");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Equal(400, (await host.Chat(key)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task an_end_user_under_max_end_user_budget_is_remembered_after_a_restart()
    {
        decimal oneCall;
        await using (var probe = await GatewayTestHost.StartAsync(postgres))
            oneCall = (await probe.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var config = MockConfigs.WithLitellmSettings($"""
              max_end_user_budget: {oneCall * 1.5m}
            """);
        var settings = new Dictionary<string, string?> { ["DATABASE_URL"] = await postgres.CreateDatabaseAsync() };
        await using (var before = await GatewayTestHost.StartAsync(postgres, config, settings))
        {
            Assert.Equal(200, (await before.Chat(GatewayTestHost.MasterKey, user: "alice")).Context.Response.StatusCode);
            await before.EventsPersisted();
        }

        await using var after = await GatewayTestHost.StartAsync(postgres, config, settings);
        var refused = await (await after.Chat(GatewayTestHost.MasterKey, user: "alice")).OpenAIError(400);
        Assert.StartsWith("Budget has been exceeded! End User=alice ", refused.GetProperty("message").GetString());
        Assert.Equal(200, (await after.Chat(GatewayTestHost.MasterKey, user: "bob")).Context.Response.StatusCode);
    }
}
