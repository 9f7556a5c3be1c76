using Gateway.Api.Tests.Infrastructure;
using System.Net;
using Gateway.Domain;
using Gateway.Domain.Teams;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// The teams client against the real gateway and store (no browser): what a team lead may see and change on their own
/// team, what only an admin may, and that every refusal holds on the server whatever a page offered.
/// </summary>
public sealed class TeamsClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    PortalGateway _gateway = null!;
    AsyncServiceScope _scope;

    ITeamsClient Teams => _scope.ServiceProvider.GetRequiredService<ITeamsClient>();
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    static readonly SignedInUser Lena = SignedInUser.TeamLead("lena", ["search"]);

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        _scope = _gateway.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search", max_budget = 100, budget_duration = "30d" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads", members_with_roles = new[] { new { user_id = "omar", role = "admin" } } }, ct);
        // Lena leads search: an invited user with a password, an admin member of the team.
        var users = _scope.ServiceProvider.GetRequiredService<IUsersClient>();
        var created = await users.CreateAsync(Admin, new NewPortalUser { UserId = "lena", Teams = ["search"] }, ct);
        var accounts = _scope.ServiceProvider.GetRequiredService<IPortalAccounts>();
        Assert.True((await accounts.AcceptInvitationAsync(created.Value!.Token, "lena's long portal password", ct)).Succeeded);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task a_team_lead_lists_and_opens_only_the_teams_they_lead()
    {
        var ct = TestContext.Current.CancellationToken;

        var hers = await Teams.ListAsync(Lena, new TeamListQuery(0, 25), ct);
        var search = await Teams.DetailsAsync(Lena, "search", ct);
        var ads = await Teams.DetailsAsync(Lena, "ads", ct);
        var all = await Teams.ListAsync(Admin, new TeamListQuery(0, 1, SortBy: nameof(TeamRow.TeamId), Descending: true), ct);

        Assert.Equal(["search"], hers.Rows.Select(r => r.TeamId));
        Assert.Equal([("lena", TeamRoles.Admin)], search.Value!.Members.Select(m => (m.UserId, m.Role)));
        Assert.Equal(RejectionKind.Forbidden, ads.Refusal?.Kind);
        Assert.Equal("You do not lead team ads, so you cannot see or change it.", ads.Refusal?.Message);
        Assert.Null(ads.Value);
        Assert.Equal((2, "search"), (all.Total, all.Rows.Single().TeamId));
    }

    [Fact]
    public async Task a_team_lead_adds_changes_and_removes_members_of_their_team_recorded_as_the_api_would()
    {
        var ct = TestContext.Current.CancellationToken;

        var added = await Teams.AddMemberAsync(Lena, "search", new MemberSettings { UserId = "ada", MaxBudgetInTeam = 10m }, ct);
        var changed = await Teams.UpdateMemberAsync(Lena, "search", new MemberSettings { UserId = "ada", Role = TeamRoles.Admin, MaxBudgetInTeam = 15m }, ct);
        var ownBudget = await Teams.UpdateMemberAsync(Lena, "search", new MemberSettings { UserId = "lena", Role = TeamRoles.Admin, MaxBudgetInTeam = 50m }, ct);
        var removed = await Teams.RemoveMemberAsync(Lena, "search", "ada", ct);

        Assert.True(added.Succeeded, added.Refusal?.Message);
        Assert.Equal(new TeamMember("ada", TeamRoles.User, 10m), added.Value!.Member("ada"));
        Assert.Equal(new TeamMember("ada", TeamRoles.Admin, 15m), changed.Value!.Member("ada"));
        Assert.Equal(50m, ownBudget.Value!.Member("lena")!.MaxBudgetInTeam);
        Assert.Null(removed.Value!.Member("ada"));
        var memberAdded = (await _gateway.EventsAsync<TeamMemberAdded>()).Single(e => e.UserId == "ada");
        Assert.Equal(("search", "portal:lena", 10m), (memberAdded.TeamId, memberAdded.By, memberAdded.MaxBudgetInTeam));
        Assert.Equal(2, (await _gateway.EventsAsync<TeamMemberUpdated>()).Count);
        Assert.Equal("portal:lena", Assert.Single(await _gateway.EventsAsync<TeamMemberRemoved>()).By);
    }

    [Fact]
    public async Task a_team_lead_is_refused_on_another_team_and_on_their_teams_own_settings_and_nothing_is_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = (await _gateway.EventsAsync<TeamMemberAdded>()).Count;

        PortalResult<Team>[] onAds =
        [
            await Teams.AddMemberAsync(Lena, "ads", new MemberSettings { UserId = "mallory", Role = TeamRoles.Admin }, ct),
            await Teams.UpdateMemberAsync(Lena, "ads", new MemberSettings { UserId = "omar", Role = TeamRoles.User }, ct),
            await Teams.RemoveMemberAsync(Lena, "ads", "omar", ct),
            await Teams.BlockAsync(Lena, "ads", ct),
            await Teams.DeleteAsync(Lena, "ads", ct),
        ];
        var raiseOwnBudget = await Teams.UpdateAsync(Lena, "search", new TeamSettings { MaxBudget = 1000m, BudgetDuration = "30d" }, ct);
        PortalResult<Team>[] onSearch =
        [
            raiseOwnBudget,
            await Teams.BlockAsync(Lena, "search", ct),
            await Teams.DeleteAsync(Lena, "search", ct),
            await Teams.CreateAsync(Lena, new TeamSettings { TeamId = "shadow" }, ct),
        ];

        Assert.All(onAds, r => Assert.Equal("You do not lead team ads, so you cannot see or change it.", r.Refusal?.Message));
        Assert.All(onSearch, r => Assert.Equal(TeamAccess.SettingsAdminsOnly, r.Refusal?.Message));
        Assert.All([.. onAds, .. onSearch], r => Assert.Equal(RejectionKind.Forbidden, r.Refusal?.Kind));
        Assert.Equal(before, (await _gateway.EventsAsync<TeamMemberAdded>()).Count);
        Assert.Empty(await _gateway.EventsAsync<TeamMemberUpdated>());
        Assert.Empty(await _gateway.EventsAsync<TeamMemberRemoved>());
        Assert.Empty(await _gateway.EventsAsync<TeamUpdated>());
        Assert.Empty(await _gateway.EventsAsync<TeamBlocked>());
        Assert.Empty(await _gateway.EventsAsync<TeamDeleted>());
        Assert.Equal(2, (await _gateway.EventsAsync<TeamCreated>()).Count);
    }

    [Fact]
    public async Task a_team_lead_may_not_remove_or_demote_themselves()
    {
        var ct = TestContext.Current.CancellationToken;

        var leave = await Teams.RemoveMemberAsync(Lena, "search", "lena", ct);
        var demote = await Teams.UpdateMemberAsync(Lena, "search", new MemberSettings { UserId = "lena", Role = TeamRoles.User }, ct);

        Assert.Equal(RejectionKind.Forbidden, leave.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, demote.Refusal?.Kind);
        Assert.Contains("you would lose the team", leave.Refusal!.Message);
        Assert.Equal(TeamRoles.Admin, (await Teams.DetailsAsync(Admin, "search", ct)).Value!.Team.Member("lena")!.Role);
    }

    [Fact]
    public async Task an_admin_creates_changes_blocks_and_deletes_teams_and_the_api_answers_accordingly()
    {
        var ct = TestContext.Current.CancellationToken;

        var created = await Teams.CreateAsync(Admin, new TeamSettings { TeamId = "ml", Alias = "Machine learning", MaxBudget = 50m, Models = "mock-gpt" }, ct);
        var duplicate = await Teams.CreateAsync(Admin, new TeamSettings { TeamId = "other", Alias = "Machine learning" }, ct);
        var softAboveMax = await Teams.UpdateAsync(Admin, "ml", new TeamSettings { Alias = "Machine learning", MaxBudget = 50m, SoftBudget = 80m }, ct);
        var settings = TeamSettings.From(created.Value!);
        settings.RpmLimit = 60;
        var updated = await Teams.UpdateAsync(Admin, "ml", settings, ct);
        var key = await _gateway.AdminPostAsync("/key/generate", new { team_id = "ml" }, ct);
        await Teams.BlockAsync(Admin, "ml", ct);
        using var whileBlocked = await _gateway.ChatAsync(key.GetProperty("key").GetString()!, ct);
        await Teams.UnblockAsync(Admin, "ml", ct);
        using var unblocked = await _gateway.ChatAsync(key.GetProperty("key").GetString()!, ct);
        var deleted = await Teams.DeleteAsync(Admin, "ml", ct);

        Assert.True(created.Succeeded, created.Refusal?.Message);
        Assert.Equal((RejectionKind.Conflict, "team_alias"), (duplicate.Refusal?.Kind, duplicate.Refusal?.Field));
        Assert.Equal(("soft_budget", "soft_budget must not be above max_budget."), (softAboveMax.Refusal?.Field, softAboveMax.Refusal?.Message));
        Assert.Equal(60, updated.Value!.RpmLimit);
        Assert.Equal(["mock-gpt"], updated.Value.Models);
        Assert.NotEqual(HttpStatusCode.OK, whileBlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unblocked.StatusCode);
        Assert.True(deleted.Succeeded);
        Assert.DoesNotContain("ml", (await Teams.ListAsync(Admin, new TeamListQuery(0, 25), ct)).Rows.Select(r => r.TeamId));
        var change = Assert.Single(await _gateway.EventsAsync<TeamUpdated>());
        Assert.Equal(("portal:admin", 60L), (change.By, change.RpmLimit!.Value));
    }

    [Fact]
    public async Task a_teams_page_shows_what_the_team_and_each_member_spent_in_this_window()
    {
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/member_add", new { team_id = "search", member = new { user_id = "bob", role = "user" }, max_budget_in_team = 5 }, ct);
        var key = await _gateway.AdminPostAsync("/key/generate", new { key_alias = "bobs-bot", team_id = "search", user_id = "bob" }, ct);
        using (var call = await _gateway.ChatAsync(key.GetProperty("key").GetString()!, ct))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        await _gateway.SpendRecordedAsync();

        var details = (await Teams.DetailsAsync(Lena, "search", ct)).Value!;

        Assert.True(details.SpendInWindow > 0);
        Assert.Equal(details.SpendInWindow, details.Members.Single(m => m.UserId == "bob").SpendInWindow);
        Assert.Equal(0m, details.Members.Single(m => m.UserId == "lena").SpendInWindow);
        var bobsBot = Assert.Single(details.Keys);
        Assert.Equal(("bobs-bot", details.SpendInWindow), (bobsBot.Alias, bobsBot.Spend));
        Assert.NotNull(details.Window);
    }
}
