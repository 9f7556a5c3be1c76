using Bunit;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Usage;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Usage;

public sealed class UsagePageTests : PortalTestContext
{
    [Fact]
    public void the_page_asks_for_the_last_30_utc_days_for_the_signed_in_user()
    {
        Render<MudPopoverProvider>();
        Render<UsagePage>(p => p.AddCascadingValue(LeadOfSearch));

        var (who, from, to) = Assert.Single(Spend.UsageAsked);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Same(LeadOfSearch, who);
        Assert.Equal(today, to);
        Assert.Equal(today.AddDays(-29), from);
    }

    [Fact]
    public void days_without_calls_say_so_instead_of_an_empty_chart()
    {
        Render<MudPopoverProvider>();
        var page = Render<UsagePage>(p => p.AddCascadingValue(Admin));

        Assert.Contains("No calls in these days", page.Find("[data-testid=usage-empty]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=usage-chart]"));
    }

    [Fact]
    public void spend_is_charted_per_day_and_tabled_per_key_and_model()
    {
        Spend.Usage = (from, to) => new UsageReport(from, to, 3m, 4,
            [new UsageDay(to.AddDays(-1), new Dictionary<string, decimal> { ["gpt-4o"] = 1m }), new UsageDay(to, new Dictionary<string, decimal> { ["gpt-4o"] = 2m })],
            [new UsageRow("checkout", "search", 3m, 4, 100, 50)],
            [new UsageRow("gpt-4o", null, 3m, 4, 100, 50)]);
        Render<MudPopoverProvider>();

        var page = Render<UsagePage>(p => p.AddCascadingValue(Admin));

        Assert.StartsWith("$3.00 over 4 calls", page.Find("[data-testid=usage-total]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=usage-chart] svg"));
        Assert.Contains("checkout", page.Find("[data-testid=usage-by-key]").TextContent);
        Assert.Contains("search", page.Find("[data-testid=usage-by-key]").TextContent);
        Assert.Contains("100 / 50", page.Find("[data-testid=usage-by-model]").TextContent);
    }
}
