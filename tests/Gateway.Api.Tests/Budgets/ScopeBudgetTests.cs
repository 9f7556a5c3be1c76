using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Limits;
using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Budgets;

/// <summary>Budgets beyond the key's own: team, team member, user, end user and key × model, all through the proxy.</summary>
public sealed class ScopeBudgetTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    protected override string? ConfigYaml => MockConfigs.TwoModels;

    Task<JsonElement> Admin(string url, object body) => Send(s => s.Post.Json(body).ToUrl(url), 200);

    async Task<decimal> OneCall() => Cost(await Chat(GatewayTestHost.MasterKey));

    static async Task<string> Refused(IScenarioResult result)
    {
        var error = await result.OpenAIError(400);
        Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
        return error.GetProperty("message").GetString()!;
    }

    [Fact]
    public async Task a_team_budget_is_shared_by_all_the_teams_keys()
    {
        var oneCall = await OneCall();
        await Admin("/team/new", new { team_id = "search", max_budget = oneCall * 2.5m });
        var (first, _) = await Host.IssuedKey(k => k with { TeamId = "search" });
        var (second, _) = await Host.IssuedKey(k => k with { TeamId = "search" });
        var (outsider, _) = await Host.IssuedKey();

        Assert.Equal(200, (await Chat(first)).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(second)).Context.Response.StatusCode);
        var message = await Refused(await Chat(first));
        Assert.StartsWith("Budget has been exceeded! Team=search Current cost: ", message);
        Assert.Equal(400, (await Chat(second)).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(outsider)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_burst_of_32_concurrent_calls_from_a_teams_keys_never_takes_team_spend_above_its_budget()
    {
        var oneCall = await OneCall();
        var budget = oneCall * 3.5m;
        await Admin("/team/new", new { team_id = "burst", max_budget = budget });
        var keys = new List<string>();
        for (var i = 0; i < 4; i++)
            keys.Add((await Host.IssuedKey(k => k with { TeamId = "burst" })).Plaintext);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Chat(keys[i % keys.Count])));

        var served = results.Where(r => r.Context.Response.StatusCode == 200).ToList();
        Assert.Equal(32, served.Count + results.Count(r => r.Context.Response.StatusCode == 400));
        Assert.InRange(served.Count, 1, 3);
        Assert.True(served.Sum(Cost) <= budget, $"served {served.Count} calls costing {served.Sum(Cost)} against {budget}");
    }

    [Fact]
    public async Task a_member_budget_within_a_team_limits_only_that_members_keys()
    {
        var oneCall = await OneCall();
        await Admin("/team/new", new { team_id = "ml" });
        await Admin("/team/member_add", new { team_id = "ml", member = new { user_id = "bob", role = "user" }, max_budget_in_team = oneCall * 1.5m });
        await Admin("/team/member_add", new { team_id = "ml", member = new { user_id = "carol", role = "user" } });
        var (bob, _) = await Host.IssuedKey(k => k with { TeamId = "ml", UserId = "bob" });
        var (carol, _) = await Host.IssuedKey(k => k with { TeamId = "ml", UserId = "carol" });

        Assert.Equal(200, (await Chat(bob)).Context.Response.StatusCode);
        Assert.StartsWith("Budget has been exceeded! Team member=ml/bob ", await Refused(await Chat(bob)));
        Assert.Equal(200, (await Chat(carol)).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(carol)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_member_budget_set_by_member_update_applies_to_the_next_call()
    {
        var oneCall = await OneCall();
        await Admin("/team/new", new { team_id = "ml", members_with_roles = new[] { new { user_id = "bob", role = "user" } } });
        var (bob, _) = await Host.IssuedKey(k => k with { TeamId = "ml", UserId = "bob" });
        Assert.Equal(200, (await Chat(bob)).Context.Response.StatusCode);
        await Host.EventsPersisted();

        await Admin("/team/member_update", new { team_id = "ml", user_id = "bob", max_budget_in_team = oneCall * 1.5m });

        // A new budget is seeded with what was already spent in the background, off the admin call's path.
        var ledger = Host.Services.GetRequiredService<BudgetLedger>();
        var member = BudgetScope.ForTeamMember("ml", "bob");
        for (var waited = 0; ledger.Spent(member) < oneCall && waited < 100; waited++)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.StartsWith("Budget has been exceeded! Team member=ml/bob ", await Refused(await Chat(bob)));
    }

    [Fact]
    public async Task a_user_budget_covers_every_key_of_that_user()
    {
        var oneCall = await OneCall();
        await Admin("/user/new", new { user_id = "ada", max_budget = oneCall * 1.5m });
        var (laptop, _) = await Host.IssuedKey(k => k with { UserId = "ada" });
        var (server, _) = await Host.IssuedKey(k => k with { UserId = "ada" });

        Assert.Equal(200, (await Chat(laptop)).Context.Response.StatusCode);
        Assert.StartsWith("Budget has been exceeded! User=ada ", await Refused(await Chat(server)));
    }

    [Fact]
    public async Task an_end_user_budget_follows_the_requests_user_field_across_keys()
    {
        var oneCall = await OneCall();
        await Admin("/customer/new", new { user_id = "acme", max_budget = oneCall * 1.5m });
        var (first, _) = await Host.IssuedKey();
        var (second, _) = await Host.IssuedKey();

        Assert.Equal(200, (await Chat(first, user: "acme")).Context.Response.StatusCode);
        Assert.StartsWith("Budget has been exceeded! End User=acme ", await Refused(await Chat(second, user: "acme")));
        Assert.Equal(200, (await Chat(second, user: "globex")).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(second)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_model_budget_on_a_key_limits_that_model_only()
    {
        var oneCall = await OneCall();
        var (key, _) = await Host.IssuedKey(k => k with
        {
            ModelMaxBudget = new Dictionary<string, ModelBudget> { ["mock-gpt"] = new(oneCall * 1.5m, "1d") },
        });

        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
        Assert.StartsWith("Budget has been exceeded! Model=mock-gpt on this key ", await Refused(await Chat(key)));
        Assert.Equal(200, (await Chat(key, model: "mock-gpt-b")).Context.Response.StatusCode);
    }

    [Fact]
    public async Task raising_a_team_budget_lets_its_keys_call_again_at_once()
    {
        var oneCall = await OneCall();
        await Admin("/team/new", new { team_id = "grow", max_budget = oneCall * 1.5m });
        var (key, _) = await Host.IssuedKey(k => k with { TeamId = "grow" });
        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
        Assert.Equal(400, (await Chat(key)).Context.Response.StatusCode);

        await Admin("/team/update", new { team_id = "grow", max_budget = oneCall * 3.5m });
        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);

        await Admin("/team/update", new { team_id = "grow", max_budget = (decimal?)null });
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task team_user_and_end_user_info_show_the_spend_their_calls_were_charged()
    {
        await Admin("/team/new", new { team_id = "t", max_budget = 100, budget_duration = "30d" });
        await Admin("/user/new", new { user_id = "u" });
        await Admin("/customer/new", new { user_id = "c" });
        var (key, _) = await Host.IssuedKey(k => k with { TeamId = "t", UserId = "u" });

        var charged = 0m;
        for (var i = 0; i < 3; i++)
            charged += Cost(await Chat(key, user: "c"));
        await Host.EventsPersisted();

        var team = (await Send(s => s.Get.Url("/team/info?team_id=t"), 200)).GetProperty("team_info");
        Assert.Equal(charged, team.GetProperty("spend").GetDecimal());
        Assert.True(team.GetProperty("budget_reset_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
        Assert.Equal(charged, (await Send(s => s.Get.Url("/user/info?user_id=u"), 200)).GetProperty("user_info").GetProperty("spend").GetDecimal());
        Assert.Equal(charged, (await Send(s => s.Get.Url("/customer/info?end_user_id=c"), 200)).GetProperty("spend").GetDecimal());
        Assert.Equal(charged, Assert.Single((await Send(s => s.Get.Url("/team/list"), 200)).EnumerateArray()).GetProperty("spend").GetDecimal());
    }
}
