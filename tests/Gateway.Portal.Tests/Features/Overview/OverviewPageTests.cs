using Bunit;
using Gateway.Portal.Features.Overview;
using Gateway.Portal.Features.Spend;

namespace Gateway.Portal.Tests.Features.Overview;

public sealed class OverviewPageTests : PortalTestContext
{
    [Fact]
    public void spend_today_and_this_month_head_the_page()
    {
        Spend.Overview = new SpendOverview(1.25m, 40m, [], [], [], []);

        var page = Render<OverviewPage>(p => p.AddCascadingValue(Admin));

        Assert.Equal("$1.25", page.Find("[data-testid=spend-today]").TextContent.Trim());
        Assert.Equal("$40.00", page.Find("[data-testid=spend-month]").TextContent.Trim());
    }

    [Fact]
    public void each_team_shows_its_budget_use_as_a_bar()
    {
        Spend.Overview = new SpendOverview(0, 0,
        [
            new TeamBudgetUse("search", "Search", 75m, 100m, "1mo", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            new TeamBudgetUse("ads", null, 3m, null, null, null),
        ], [], [], []);

        var page = Render<OverviewPage>(p => p.AddCascadingValue(Admin));

        var teams = page.FindAll("[data-testid=team-budget]");
        Assert.Contains("$75.00 of $100.00, resets 2026-12-01", teams[0].TextContent);
        Assert.Equal("75", teams[0].QuerySelector("[role=progressbar]")!.GetAttribute("aria-valuenow"));
        Assert.Contains("$3.00 (no budget)", teams[1].TextContent);
        Assert.Null(teams[1].QuerySelector("[role=progressbar]"));
    }

    [Fact]
    public void budgets_reached_are_listed_and_their_absence_is_said()
    {
        var empty = Render<OverviewPage>(p => p.AddCascadingValue(Admin));
        Assert.Contains("No budget has been reached", empty.Find("[data-testid=budget-alerts]").TextContent);

        Spend.Overview = new SpendOverview(0, 0, [], [], [],
            [new BudgetAlertRow(new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero), "team search", 101m, 100m)]);
        var page = Render<OverviewPage>(p => p.AddCascadingValue(Admin));

        var alert = page.Find("[data-testid=budget-alert]").TextContent;
        Assert.Contains("2026-11-20 08:30", alert);
        Assert.Contains("team search", alert);
        Assert.Contains("$101.00", alert);
    }
}
