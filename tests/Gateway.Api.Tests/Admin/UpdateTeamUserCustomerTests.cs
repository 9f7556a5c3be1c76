using System.Text.Json;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Customers;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;

namespace Gateway.Api.Tests.Admin;

/// <summary><c>/team/update</c>, <c>/user/update</c>, <c>/customer/update</c>: absent leaves a field, null clears it, bad input names the field.</summary>
public sealed class UpdateTeamUserCustomerTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<JsonElement> Post(string url, object body, int status = 200, string key = GatewayTestHost.MasterKey) =>
        Send(s => s.Post.Json(body).ToUrl(url), status, key);

    Task<JsonElement> PostText(string url, string json, int status) =>
        Send(s => s.Post.Text(json).ToUrl(url).ContentType("application/json"), status);

    [Fact]
    public async Task a_team_update_changes_what_is_sent_clears_what_is_null_and_keeps_the_rest()
    {
        await Post("/team/new", new { team_id = "t", team_alias = "T", max_budget = 10, rpm_limit = 5, models = new[] { "mock-gpt" } });

        var updated = await PostText("/team/update", """{"team_id":"t","max_budget":20,"rpm_limit":null,"models":null}""", 200);
        Assert.Equal("t", updated.GetProperty("team_id").GetString());
        var data = updated.GetProperty("data");
        Assert.Equal(20m, data.GetProperty("max_budget").GetDecimal());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("rpm_limit").ValueKind);
        Assert.Equal(0, data.GetProperty("models").GetArrayLength());
        Assert.Equal("T", data.GetProperty("team_alias").GetString());

        // Sending nothing new records nothing.
        await Post("/team/update", new { team_id = "t", max_budget = 20 });
        Assert.Single(await Host.Events<TeamUpdated>());
    }

    [Fact]
    public async Task team_update_refusals_name_the_field()
    {
        await Post("/team/new", new { team_id = "t", max_budget = 10, soft_budget = 5 });
        Assert.Equal("max_budget", (await PostText("/team/update", """{"team_id":"t","max_budget":"lots"}""", 400)).GetProperty("param").GetString());
        Assert.Equal("team_id", (await Post("/team/update", new { max_budget = 1 }, 400)).GetProperty("param").GetString());
        Assert.Equal("blocked", (await PostText("/team/update", """{"team_id":"t","blocked":"yes"}""", 400)).GetProperty("param").GetString());
        Assert.Equal("soft_budget", (await Post("/team/update", new { team_id = "t", max_budget = 1 }, 400)).GetProperty("param").GetString());
        Assert.Equal("budget_duration", (await Post("/team/update", new { team_id = "t", budget_duration = "fortnight" }, 400)).GetProperty("param").GetString());
        await Post("/team/update", new { team_id = "missing", max_budget = 1 }, 404);
        await Post("/team/block", new { team_id = "missing" }, 404);
        await Post("/team/block", new { }, 400);

        var (virtualKey, _) = await Host.IssuedKey();
        await Post("/team/update", new { team_id = "t", max_budget = 1000 }, 403, virtualKey);
        await Post("/team/block", new { team_id = "t" }, 403, virtualKey);
        Assert.Empty(await Host.Events<TeamUpdated>());
        Assert.Empty(await Host.Events<TeamBlocked>());
    }

    [Fact]
    public async Task a_user_update_changes_role_and_budget_and_refuses_bad_input()
    {
        await Post("/user/new", new { user_id = "ada", max_budget = 5, user_email = "ada@example.com" });

        var updated = await Post("/user/update", new { user_id = "ada", user_role = "proxy_admin", max_budget = 50 });
        Assert.Equal("proxy_admin", updated.GetProperty("user_role").GetString());
        Assert.Equal(50m, updated.GetProperty("max_budget").GetDecimal());
        Assert.Equal("ada@example.com", updated.GetProperty("user_email").GetString());

        Assert.Equal("user_role", (await Post("/user/update", new { user_id = "ada", user_role = "overlord" }, 400)).GetProperty("param").GetString());
        Assert.Equal("tpm_limit", (await PostText("/user/update", """{"user_id":"ada","tpm_limit":1.5}""", 400)).GetProperty("param").GetString());
        Assert.Equal("user_id", (await Post("/user/update", new { max_budget = 1 }, 400)).GetProperty("param").GetString());
        await Post("/user/update", new { user_id = "nobody", max_budget = 1 }, 404);
        var (virtualKey, _) = await Host.IssuedKey();
        await Post("/user/update", new { user_id = "ada", user_role = "proxy_admin" }, 403, virtualKey);
        Assert.Single(await Host.Events<UserUpdated>());
    }

    [Fact]
    public async Task a_customer_update_changes_limits_blocks_and_refuses_bad_input()
    {
        await Post("/customer/new", new { user_id = "acme", max_budget = 5 });

        var updated = await PostText("/customer/update", """{"user_id":"acme","max_budget":null,"rpm_limit":3,"blocked":true}""", 200);
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("max_budget").ValueKind);
        Assert.Equal(3, updated.GetProperty("rpm_limit").GetInt64());
        Assert.True(updated.GetProperty("blocked").GetBoolean());

        Assert.Equal("allowed_model_region", (await Post("/customer/update", new { user_id = "acme", allowed_model_region = "mars" }, 400)).GetProperty("param").GetString());
        Assert.Equal("rpm_limit", (await PostText("/customer/update", """{"user_id":"acme","rpm_limit":"3"}""", 400)).GetProperty("param").GetString());
        await Post("/customer/update", new { user_id = "nobody", max_budget = 1 }, 404);
        var (virtualKey, _) = await Host.IssuedKey();
        await Post("/customer/update", new { user_id = "acme", blocked = false }, 403, virtualKey);
        Assert.Single(await Host.Events<CustomerUpdated>());
        Assert.Single(await Host.Events<CustomerBlocked>());
    }
}
