using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Budgets;

/// <summary>Who may call what: team model lists, blocked teams and end users, team and end-user rate limits, admin users.</summary>
public sealed class AccessTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    protected override string? ConfigYaml => MockConfigs.TwoModels;

    Task<JsonElement> Admin(string url, object body, int status = 200, string key = GatewayTestHost.MasterKey) =>
        Send(s => s.Post.Json(body).ToUrl(url), status, key);

    [Fact]
    public async Task a_teams_model_list_limits_its_keys_with_team_model_access_denied()
    {
        await Admin("/team/new", new { team_id = "search", models = new[] { "mock-gpt" } });
        var (key, _) = await Host.IssuedKey(k => k with { TeamId = "search" });
        var (keyWithOwnList, _) = await Host.IssuedKey(k => k with { TeamId = "search", Models = ["mock-gpt-b"] });

        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
        var error = await (await Chat(key, model: "mock-gpt-b")).OpenAIError(403);
        Assert.Equal("team_model_access_denied", error.GetProperty("type").GetString());
        Assert.Contains("search", error.GetProperty("message").GetString());
        // The key's own list does not widen the team's.
        Assert.Equal(403, (await Chat(keyWithOwnList, model: "mock-gpt-b")).Context.Response.StatusCode);

        var models = await Send(s => s.Get.Url("/v1/models"), 200, key);
        Assert.Equal(["mock-gpt"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task blocking_a_team_stops_its_keys_on_the_next_call_and_unblocking_restores_them()
    {
        await Admin("/team/new", new { team_id = "t" });
        var (key, _) = await Host.IssuedKey(k => k with { TeamId = "t" });
        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);

        Assert.True((await Admin("/team/block", new { team_id = "t" })).GetProperty("blocked").GetBoolean());
        var error = await (await Chat(key)).OpenAIError(401);
        Assert.Contains("blocked", error.GetProperty("message").GetString());

        await Admin("/team/update", new { team_id = "t", blocked = false });
        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
        await Admin("/team/update", new { team_id = "t", blocked = true });
        Assert.Equal(401, (await Chat(key)).Context.Response.StatusCode);
        await Admin("/team/unblock", new { team_id = "t" });
        Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_blocked_end_user_is_refused_whatever_key_calls_for_them()
    {
        await Admin("/customer/new", new { user_id = "spammer" });
        var (key, _) = await Host.IssuedKey();
        Assert.Equal(200, (await Chat(key, user: "spammer")).Context.Response.StatusCode);

        await Admin("/customer/block", new { user_ids = new[] { "spammer" } });
        var error = await (await Chat(key, user: "spammer")).OpenAIError(401);
        Assert.Contains("spammer", error.GetProperty("message").GetString());
        Assert.Equal(200, (await Chat(key, user: "someone-else")).Context.Response.StatusCode);

        await Admin("/customer/update", new { user_id = "spammer", blocked = false });
        Assert.Equal(200, (await Chat(key, user: "spammer")).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_team_rpm_limit_is_shared_by_its_keys_and_names_the_team()
    {
        await ClockMinute.StartWellInside();
        await Admin("/team/new", new { team_id = "busy", rpm_limit = 2 });
        var (first, _) = await Host.IssuedKey(k => k with { TeamId = "busy" });
        var (second, _) = await Host.IssuedKey(k => k with { TeamId = "busy" });

        Assert.Equal(200, (await Chat(first)).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(second)).Context.Response.StatusCode);
        var refused = await Chat(first);
        var error = await refused.OpenAIError(429);
        Assert.StartsWith("Rate limit exceeded for team: busy. Limit type: requests.", error.GetProperty("message").GetString());
        Assert.False(string.IsNullOrEmpty(refused.Context.Response.Headers.RetryAfter));
    }

    [Fact]
    public async Task an_end_user_rpm_limit_applies_across_keys()
    {
        await ClockMinute.StartWellInside();
        await Admin("/customer/new", new { user_id = "acme", rpm_limit = 1 });
        var (first, _) = await Host.IssuedKey();
        var (second, _) = await Host.IssuedKey();

        Assert.Equal(200, (await Chat(first, user: "acme")).Context.Response.StatusCode);
        Assert.Equal(429, (await Chat(second, user: "acme")).Context.Response.StatusCode);
        Assert.Equal(200, (await Chat(second, user: "globex")).Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_user_tpm_limit_applies_across_their_keys()
    {
        await ClockMinute.StartWellInside();
        await Admin("/user/new", new { user_id = "ada", tpm_limit = 10 });
        var (first, _) = await Host.IssuedKey(k => k with { UserId = "ada" });
        var (second, _) = await Host.IssuedKey(k => k with { UserId = "ada" });

        Assert.Equal(200, (await Chat(first)).Context.Response.StatusCode);
        var error = await (await Chat(second)).OpenAIError(429);
        Assert.Contains("Limit type: tokens.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_proxy_admin_users_key_may_administer_and_a_viewers_key_may_only_read()
    {
        await Admin("/user/new", new { user_id = "root", user_role = "proxy_admin" });
        await Admin("/user/new", new { user_id = "auditor", user_role = "proxy_admin_viewer" });
        var (admin, _) = await Host.IssuedKey(k => k with { UserId = "root" });
        var (viewer, _) = await Host.IssuedKey(k => k with { UserId = "auditor" });
        var (plain, _) = await Host.IssuedKey();

        await Admin("/team/new", new { team_id = "by-admin" }, key: admin);
        await Admin("/key/generate", new { team_id = "by-admin" }, key: admin);

        Assert.Single((await Send(s => s.Get.Url("/team/list"), 200, viewer)).EnumerateArray());
        await Send(s => s.Get.Url("/team/info?team_id=by-admin"), 200, viewer);
        await Send(s => s.Get.Url("/user/list"), 200, viewer);
        await Send(s => s.Get.Url("/key/list"), 200, viewer);
        Assert.Equal("permission_error", (await Admin("/team/new", new { team_id = "by-viewer" }, 403, viewer)).GetProperty("type").GetString());
        await Admin("/team/update", new { team_id = "by-admin", max_budget = 1 }, 403, viewer);
        await Admin("/key/generate", new { }, 403, viewer);

        await Send(s => s.Get.Url("/team/list"), 403, plain);
        await Admin("/team/new", new { team_id = "by-plain" }, 403, plain);

        // Demoting the admin takes effect on the very next call.
        await Admin("/user/update", new { user_id = "root", user_role = "internal_user" });
        await Admin("/team/new", new { team_id = "after-demotion" }, 403, admin);
    }
}
