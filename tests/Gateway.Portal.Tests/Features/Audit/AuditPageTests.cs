using Bunit;
using Gateway.Portal.Features.Audit;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Audit;

public sealed class AuditPageTests : PortalTestContext
{
    [Fact]
    public void a_team_lead_audits_their_team_this_month_with_recorded_prices()
    {
        Render<MudPopoverProvider>();
        var page = Render<AuditPage>(p => p.AddCascadingValue(LeadOfSearch));

        page.Find("[data-testid=audit-run]").Click();

        var (from, to, team, reprice) = Assert.Single(Audit.Runs);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(new DateOnly(today.Year, today.Month, 1), from);
        Assert.Equal(today, to);
        Assert.Equal("search", team);
        Assert.False(reprice);
    }

    [Fact]
    public void the_report_shows_totals_rows_a_verdict_and_a_csv_download()
    {
        Render<MudPopoverProvider>();
        var page = Render<AuditPage>(p => p.AddCascadingValue(Admin));

        page.Find("[data-testid=audit-run]").Click();

        Assert.Equal("$0.00", page.Find("[data-testid=audit-difference]").TextContent.Trim());
        Assert.Contains("1 rows of the rollups differ", page.Find("[data-testid=audit-verdict]").TextContent);
        Assert.Contains("checkout", page.Find("[data-testid=audit-rows]").TextContent);
        Assert.StartsWith("data:text/csv;charset=utf-8;base64,", page.Find("[data-testid=audit-csv]").GetAttribute("href"));
        Assert.Null(Audit.Runs[0].TeamId);
    }
}
