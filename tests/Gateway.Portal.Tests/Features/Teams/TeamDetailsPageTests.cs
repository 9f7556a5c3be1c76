using Bunit;
using Gateway.Domain.Budgets;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Teams;

public sealed class TeamDetailsPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private static TeamDetails Search(params KeyRow[] keys)
    {
        var team = FakeTeamsClient.Team("search", 100m, "30d", members: [new TeamMember("lena", TeamRoles.Admin), new TeamMember("bob", TeamRoles.User, 10m)]);
        var window = new BudgetWindow(FakeTeamsClient.Created, FakeTeamsClient.Created.AddDays(30));
        return new TeamDetails(team, 42m, window,
            [new TeamMemberRow("lena", TeamRoles.Admin, null, 30m), new TeamMemberRow("bob", TeamRoles.User, 10m, 12m)],
            keys, keys.Length);
    }

    private IRenderedComponent<TeamDetailsPage> RenderPage(SignedInUser user, TeamDetails? details = null)
    {
        if (details is not null)
            Teams.Details = Task.FromResult(PortalResult<TeamDetails>.Ok(details));
        SignInAs(user);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<TeamDetailsPage>(p => p.Add(x => x.TeamId, "search").AddCascadingValue(user));
    }

    [Fact]
    public void the_page_shows_spend_against_budget_members_with_their_budgets_and_the_keys()
    {
        var page = RenderPage(LeadOfSearch, Search(FakeKeysClient.Key("search-bot", "search", spend: 3m)));

        Assert.Equal("search", page.Find("[data-testid=team-title]").TextContent.Trim());
        Assert.StartsWith("$42.00 of $100.00 since 2026-11-01 09:00 UTC", page.Find("[data-testid=team-spend-in-window]").TextContent.Trim());
        var members = page.FindAll("[data-testid=member-row]").Select(r => r.TextContent).ToList();
        Assert.Contains("admin (team lead)", members[0]);
        Assert.Contains("bob", members[1]);
        Assert.Contains("$12.00", members[1]);
        Assert.Equal("$10.00", page.FindAll("[data-testid=member-budget-cell]")[1].TextContent.Trim());
        Assert.Equal("search-bot", page.Find("[data-testid=team-key-link]").TextContent.Trim());
        Assert.Single(page.FindAll("[data-testid=team-key-row] [data-testid=key-actions]"));
        Assert.Equal("/ui/keys?search=search", page.Find("[data-testid=team-keys-link]").GetAttribute("href"));
    }

    [Fact]
    public void a_team_lead_manages_members_but_is_told_only_admins_change_the_team_itself()
    {
        var page = RenderPage(LeadOfSearch, Search());

        Assert.Empty(page.FindAll("[data-testid=team-actions]"));
        Assert.Contains("Only admins change a team's budget", page.Find("[data-testid=settings-admins-only]").TextContent);
        Assert.Single(page.FindAll("[data-testid=add-member]"));
        Assert.Equal(2, page.FindAll("[data-testid=member-edit]").Count);
        // Not on her own row: she cannot leave the team she leads (the server refuses it as well).
        Assert.Single(page.FindAll("[data-testid=member-remove]"));
        Assert.Contains("bob", page.Find("[data-testid=member-remove]").GetAttribute("aria-label"));
    }

    [Fact]
    public void an_admin_is_offered_the_teams_own_actions()
    {
        var page = RenderPage(Admin, Search());

        Assert.Single(page.FindAll("[data-testid=team-actions]"));
        Assert.Empty(page.FindAll("[data-testid=settings-admins-only]"));
    }

    [Fact]
    public void adding_a_member_sends_their_role_and_budget_in_the_team()
    {
        var page = RenderPage(LeadOfSearch, Search());

        page.Find("[data-testid=add-member]").Click();
        _dialogs.Find("input[data-testid=member-user-id]").Change("ada");
        _dialogs.Find("input[data-testid=member-budget]").Change("15");
        _dialogs.Find("[data-testid=member-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Single(Teams.Actions));
        var (action, teamId, with) = Teams.Actions[0];
        Assert.Equal(("add-member", "search"), (action, teamId));
        var member = Assert.IsType<MemberSettings>(with);
        Assert.Equal(("ada", TeamRoles.User, 15m), (member.UserId, member.Role, member.MaxBudgetInTeam));
        Assert.Empty(_dialogs.FindAll("[data-testid=member-dialog]"));
    }

    [Fact]
    public void a_refusal_from_the_server_stays_in_the_member_dialog()
    {
        Teams.Refusal = new Gateway.Domain.Rejection(Gateway.Domain.RejectionKind.NotFound, "User bob is not a member of team search.", "user_id");
        var page = RenderPage(LeadOfSearch, Search());

        page.FindAll("[data-testid=member-edit]")[1].Click();
        _dialogs.Find("[data-testid=member-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("User bob is not a member of team search.", _dialogs.Find("[data-testid=member-problem]").TextContent.Trim()));
        Assert.Equal("update-member", Teams.Actions.Single().Action);
    }

    [Fact]
    public void a_team_lead_may_change_their_own_budget_in_the_team_but_not_their_role()
    {
        var page = RenderPage(LeadOfSearch, Search());

        page.FindAll("[data-testid=member-edit]")[0].Click();

        Assert.Equal("true", _dialogs.Find("[data-testid=member-role]").GetAttribute("aria-disabled"));
        Assert.Contains("Your own role is an admin's or another lead's to change", _dialogs.Markup);
        Assert.False(_dialogs.Find("input[data-testid=member-budget]").HasAttribute("disabled"));
    }

    [Fact]
    public void changing_a_members_budget_sends_the_new_budget()
    {
        var page = RenderPage(Admin, Search());

        page.FindAll("[data-testid=member-edit]")[1].Click();
        Assert.True(_dialogs.Find("input[data-testid=member-user-id]").HasAttribute("disabled"));
        _dialogs.Find("input[data-testid=member-budget]").Change("25");
        _dialogs.Find("[data-testid=member-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Single(Teams.Actions));
        var member = Assert.IsType<MemberSettings>(Teams.Actions[0].With);
        Assert.Equal(("bob", TeamRoles.User, 25m), (member.UserId, member.Role, member.MaxBudgetInTeam));
    }

    [Fact]
    public void removing_a_member_asks_first()
    {
        var page = RenderPage(LeadOfSearch, Search());

        page.Find("[data-testid=member-remove]").Click();
        Assert.Contains("bob leaves team search", _dialogs.Markup);
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForAssertion(() => Assert.Equal([("remove-member", "search", (object?)"bob")], Teams.Actions));
    }

    [Fact]
    public void a_team_without_members_or_keys_says_what_to_do()
    {
        var empty = Search() with { Members = [] };

        var page = RenderPage(Admin, empty);

        Assert.Contains("No members yet", page.Find("[data-testid=no-members]").TextContent);
        Assert.Contains("No keys yet", page.Find("[data-testid=no-team-keys]").TextContent);
    }

    [Fact]
    public void while_the_team_loads_a_progress_bar_shows()
    {
        var answer = new TaskCompletionSource<Gateway.Portal.Features.Access.PortalResult<TeamDetails>>();
        Teams.Details = answer.Task;

        var page = RenderPage(Admin);
        Assert.Single(page.FindAll("[data-testid=team-loading]"));

        answer.SetResult(PortalResult<TeamDetails>.Ok(Search()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=team-loading]")));
        Assert.Single(page.FindAll("[data-testid=team-title]"));
    }

    [Fact]
    public void another_teams_page_shows_the_servers_refusal_and_nothing_else()
    {
        Teams.Details = Task.FromResult(PortalResult<TeamDetails>.Forbidden("You do not lead team ads, so you cannot see or change it."));

        var page = RenderPage(LeadOfSearch);

        Assert.Contains("You do not lead team ads", page.Find("[data-testid=refusal]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=team-members]"));
        Assert.Empty(page.FindAll("[data-testid=add-member]"));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Teams.Details = Task.FromException<PortalResult<TeamDetails>>(new InvalidOperationException("Npgsql exploded at SomeInternalFrame()"));

        var page = RenderPage(Admin);

        Assert.Contains("could not be loaded", page.Find("[data-testid=refusal]").TextContent);
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
