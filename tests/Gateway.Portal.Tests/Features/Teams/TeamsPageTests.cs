using Bunit;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Teams;

public sealed class TeamsPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<TeamsPage> RenderPage(SignedInUser user)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<TeamsPage>(parameters => parameters.AddCascadingValue(user));
    }

    private static IEnumerable<string> TeamIds(IRenderedComponent<TeamsPage> page) =>
        page.FindAll("[data-testid=team-link]").Select(link => link.TextContent.Trim());

    [Fact]
    public void the_grid_lists_teams_with_members_budget_use_and_status()
    {
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("search", 100m, "30d", members: [new TeamMember("lena", TeamRoles.Admin), new TeamMember("bob", TeamRoles.User, 10m)]), 12.5m));
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("ads", blocked: true), 0m));

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(["search", "ads"], TeamIds(page)));
        var rows = page.FindAll("[data-testid=teams-grid] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("lena (admin), bob (user, $10.00)", rows[0]);
        Assert.Contains("$12.50 of $100.00 per 30d", rows[0]);
        Assert.Contains("Active", rows[0]);
        Assert.Contains("no budget", rows[1]);
        Assert.Contains("Blocked", rows[1]);
        Assert.Equal("/ui/teams/search", page.FindAll("[data-testid=team-link]")[0].GetAttribute("href"));
    }

    [Fact]
    public void the_grid_asks_the_server_for_one_page_and_again_when_searching()
    {
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("search"), 0m));
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("ads"), 0m));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Equal(2, TeamIds(page).Count()));
        Assert.Equal(new TeamListQuery(0, 25), Teams.Queries[^1]);

        page.Find("input[data-testid=team-search]").Input("sea");

        page.WaitForAssertion(() => Assert.Equal("sea", Teams.Queries[^1].Search), TimeSpan.FromSeconds(3));
        page.WaitForAssertion(() => Assert.Equal(["search"], TeamIds(page)));
    }

    [Fact]
    public void an_admin_may_create_teams_and_act_on_each_a_team_lead_neither()
    {
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("search"), 0m));

        var admin = RenderPage(Admin);
        admin.WaitForAssertion(() => Assert.Single(TeamIds(admin)));
        Assert.Single(admin.FindAll("[data-testid=create-team]"));
        Assert.Single(admin.FindAll("[data-testid=team-actions]"));
        Assert.Empty(admin.FindAll("[data-testid=scope-note]"));

        var lead = Render<TeamsPage>(p => p.AddCascadingValue(LeadOfSearch));
        lead.WaitForAssertion(() => Assert.Single(TeamIds(lead)));
        Assert.Empty(lead.FindAll("[data-testid=create-team]"));
        Assert.Empty(lead.FindAll("[data-testid=team-actions]"));
        Assert.Contains("The teams you lead: search.", lead.Find("[data-testid=scope-note]").TextContent);
    }

    [Fact]
    public void creating_a_team_sends_its_settings_and_opens_its_page()
    {
        var page = RenderPage(Admin);

        page.Find("[data-testid=create-team]").Click();
        _dialogs.Find("input[data-testid=team-id]").Change("search");
        _dialogs.Find("input[data-testid=team-max-budget]").Change("250");
        _dialogs.Find("input[data-testid=team-budget-duration]").Change("1mo");
        _dialogs.Find("[data-testid=team-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Single(Teams.Actions));
        var (action, teamId, with) = Teams.Actions[0];
        Assert.Equal(("create", "search"), (action, teamId));
        var settings = Assert.IsType<TeamSettings>(with);
        Assert.Equal(250m, settings.MaxBudget);
        Assert.Equal("1mo", settings.BudgetDuration);
        page.WaitForAssertion(() => Assert.EndsWith("/ui/teams/search", Services.GetRequiredService<NavigationManager>().Uri));
    }

    [Fact]
    public void a_refused_creation_keeps_the_dialog_open_with_the_reason()
    {
        Teams.Refusal = new Gateway.Domain.Rejection(Gateway.Domain.RejectionKind.Conflict, "Team search already exists.", "team_id");
        var page = RenderPage(Admin);

        page.Find("[data-testid=create-team]").Click();
        _dialogs.Find("input[data-testid=team-id]").Change("search");
        _dialogs.Find("[data-testid=team-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("Team search already exists.", _dialogs.Find("[data-testid=team-problem]").TextContent.Trim()));
        Assert.Single(_dialogs.FindAll("[data-testid=team-dialog]"));
    }

    [Fact]
    public void deleting_a_team_asks_first()
    {
        Teams.Rows.Add(new TeamRow(FakeTeamsClient.Team("search"), 0m));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Single(TeamIds(page)));

        page.Find("[data-testid=team-delete]").Click();
        Assert.Contains("Its keys are not revoked", _dialogs.Markup);
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        Assert.Empty(Teams.Actions);

        page.Find("[data-testid=team-delete]").Click();
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();
        page.WaitForAssertion(() => Assert.Equal([("delete", "search", (object?)null)], Teams.Actions));
    }

    [Fact]
    public void with_no_teams_the_grid_says_how_to_start()
    {
        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("No teams yet", page.Find("[data-testid=no-teams]").TextContent));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Teams.ListFails = new InvalidOperationException("Npgsql exploded at SomeInternalFrame()");

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[data-testid=teams-problem]").TextContent));
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
