using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Teams;

namespace Gateway.Api.Tests.Admin;

public sealed class TeamTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task<JsonElement> Post(string url, object body, int status = 200, string key = GatewayTestHost.MasterKey) =>
        Send(s => s.Post.Json(body).ToUrl(url), status, key);

    Task<JsonElement> Get(string url, int status = 200) => Send(s => s.Get.Url(url), status);

    [Fact]
    public async Task a_team_is_created_with_members_grows_shrinks_and_shows_its_keys()
    {
        var team = await Post("/team/new", new
        {
            team_id = "search", team_alias = "Search", max_budget = 100, budget_duration = "30d",
            members_with_roles = new[] { new { user_id = "ada", role = "admin" } },
        });
        Assert.Equal("search", team.GetProperty("team_id").GetString());
        Assert.Equal("admin", team.GetProperty("members_with_roles")[0].GetProperty("role").GetString());

        await Post("/team/member_add", new { team_id = "search", member = new { user_id = "bob", role = "user" }, max_budget_in_team = 10 });
        await Post("/team/member_delete", new { team_id = "search", user_id = "ada" });
        await Host.IssuedKey(k => k with { TeamId = "search", KeyAlias = "search-key" });

        var info = await Get("/team/info?team_id=search");
        Assert.Equal("Search", info.GetProperty("team_info").GetProperty("team_alias").GetString());
        var membership = Assert.Single(info.GetProperty("team_memberships").EnumerateArray());
        Assert.Equal("bob", membership.GetProperty("user_id").GetString());
        Assert.Equal(10m, membership.GetProperty("max_budget_in_team").GetDecimal());
        Assert.Equal("search-key", Assert.Single(info.GetProperty("keys").EnumerateArray()).GetProperty("key_alias").GetString());

        Assert.Single((await Get("/team/list")).EnumerateArray());
        Assert.Equal(3, (await Host.Events<TeamCreated>()).Count + (await Host.Events<TeamMemberAdded>()).Count + (await Host.Events<TeamMemberRemoved>()).Count);
    }

    [Fact]
    public async Task member_update_changes_a_members_role_and_budget_in_team_and_null_removes_the_budget()
    {
        await Post("/team/new", new { team_id = "search", members_with_roles = new[] { new { user_id = "bob", role = "user" } } });

        var promoted = await Post("/team/member_update", new { team_id = "search", user_id = "bob", role = "admin", max_budget_in_team = 12.5 });
        Assert.Equal("admin", promoted.GetProperty("role").GetString());
        Assert.Equal(12.5m, promoted.GetProperty("max_budget_in_team").GetDecimal());

        var cleared = await Post("/team/member_update", new { team_id = "search", user_id = "bob", max_budget_in_team = (decimal?)null });
        Assert.Equal("admin", cleared.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("max_budget_in_team").ValueKind);

        await Post("/team/member_update", new { team_id = "search", user_id = "bob", role = "admin" });
        Assert.Equal(2, (await Host.Events<TeamMemberUpdated>()).Count);
        Assert.Equal("role", (await Post("/team/member_update", new { team_id = "search", user_id = "bob", role = "owner" }, 400)).GetProperty("param").GetString());
        Assert.Equal("user_id", (await Post("/team/member_update", new { team_id = "search", user_id = "nobody", role = "user" }, 404)).GetProperty("param").GetString());
        var (virtualKey, _) = await Host.IssuedKey();
        await Post("/team/member_update", new { team_id = "search", user_id = "bob", role = "user" }, 403, virtualKey);
        Assert.Equal(2, (await Host.Events<TeamMemberUpdated>()).Count);
    }

    [Fact]
    public async Task refusals_name_the_field()
    {
        await Post("/team/new", new { team_id = "t1", team_alias = "One" });
        Assert.Equal("team_alias", (await Post("/team/new", new { team_alias = "One" }, 400)).GetProperty("param").GetString());
        Assert.Equal("team_id", (await Post("/team/new", new { team_id = "t1" }, 400)).GetProperty("param").GetString());
        Assert.Equal("max_budget", (await Post("/team/new", new { max_budget = -1 }, 400)).GetProperty("param").GetString());
        Assert.Equal("member.role", (await Post("/team/member_add", new { team_id = "t1", member = new { user_id = "x", role = "owner" } }, 400)).GetProperty("param").GetString());
        await Post("/team/member_delete", new { team_id = "t1", user_id = "nobody" }, 404);
        await Get("/team/info?team_id=missing", 404);
        await Get("/team/info", 400);
    }

    [Fact]
    public async Task deleting_teams_is_all_or_nothing_and_admin_only()
    {
        await Post("/team/new", new { team_id = "a" });
        await Post("/team/new", new { team_id = "b" });
        await Post("/team/delete", new { team_ids = new[] { "a", "missing" } }, 404);
        Assert.Equal(2, (await Get("/team/list")).GetArrayLength());

        var (virtualKey, _) = await Host.IssuedKey();
        await Post("/team/delete", new { team_ids = new[] { "a" } }, 403, virtualKey);
        await Post("/team/new", new { team_id = "c" }, 403, virtualKey);

        Assert.Equal(["a", "b"], (await Post("/team/delete", new { team_ids = new[] { "a", "b" } })).GetProperty("deleted_teams").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, (await Get("/team/list")).GetArrayLength());
        await Get("/team/info?team_id=a", 404);
    }
}
