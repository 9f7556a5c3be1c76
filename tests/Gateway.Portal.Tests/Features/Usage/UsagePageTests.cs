using Bunit;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Usage;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Usage;

public sealed class UsagePageTests : PortalTestContext
{
    /// <summary>Two days: checkout (team search) on gpt-4o, then batch (team ads) on claude.</summary>
    private static UsageReport TwoDays(DateOnly from, DateOnly to)
    {
        var first = new UsageAmount(1m, 1, 100, 20);
        var second = new UsageAmount(2m, 3, 300, 60);
        return new UsageReport(from, to, 3m, 4,
            [
                new UsageDay(to.AddDays(-1), new Dictionary<string, UsageAmount> { ["gpt-4o"] = first },
                    new Dictionary<string, UsageAmount> { ["checkout"] = first }, new Dictionary<string, UsageAmount> { ["search"] = first }),
                new UsageDay(to, new Dictionary<string, UsageAmount> { ["claude"] = second },
                    new Dictionary<string, UsageAmount> { ["batch"] = second }, new Dictionary<string, UsageAmount> { ["ads"] = second }),
            ],
            [new UsageRow("batch", "ads", 2m, 3, 300, 60), new UsageRow("checkout", "search", 1m, 1, 100, 20)],
            [new UsageRow("claude", null, 2m, 3, 300, 60), new UsageRow("gpt-4o", null, 1m, 1, 100, 20)],
            [new UsageRow("ads", null, 2m, 3, 300, 60), new UsageRow("search", null, 1m, 1, 100, 20)]);
    }

    private IRenderedComponent<UsagePage> RenderPage(Gateway.Portal.Features.Access.SignedInUser user)
    {
        Render<MudPopoverProvider>();
        return Render<UsagePage>(p => p.AddCascadingValue(user));
    }

    private static IEnumerable<string> Legend(IRenderedComponent<UsagePage> page) =>
        page.FindAll("[data-testid=usage-chart] .mud-chart-legend-item").Select(l => l.TextContent.Trim());

    [Fact]
    public void the_page_asks_for_the_last_30_utc_days_for_the_signed_in_user()
    {
        RenderPage(LeadOfSearch);

        var (who, from, to) = Assert.Single(Spend.UsageAsked);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Same(LeadOfSearch, who);
        Assert.Equal(today, to);
        Assert.Equal(today.AddDays(-29), from);
    }

    [Fact]
    public void days_without_calls_say_so_instead_of_an_empty_chart_and_offer_no_export()
    {
        var page = RenderPage(Admin);

        Assert.Contains("No calls in these days", page.Find("[data-testid=usage-empty]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=usage-chart]"));
        Assert.Empty(page.FindAll("[data-testid=usage-export]"));
    }

    [Fact]
    public void spend_is_charted_per_day_by_model_and_tabled_per_key_model_and_team()
    {
        Spend.Usage = TwoDays;

        var page = RenderPage(Admin);

        Assert.StartsWith("$3.00 over 4 calls", page.Find("[data-testid=usage-total]").TextContent.Trim());
        Assert.Equal("Spend per day, by model", page.Find("[data-testid=usage-chart-title]").TextContent.Trim());
        Assert.Equal(["claude", "gpt-4o"], Legend(page));
        Assert.Contains("checkout", page.Find("[data-testid=usage-by-key]").TextContent);
        Assert.Contains("100 / 20", page.Find("[data-testid=usage-by-model]").TextContent);
        Assert.Contains("ads", page.Find("[data-testid=usage-by-team]").TextContent);
    }

    [Fact]
    public void the_chart_stacks_by_key_or_team_at_a_click_and_the_export_follows()
    {
        Spend.Usage = TwoDays;
        var page = RenderPage(Admin);

        page.Find("[data-testid=group-team]").Click();

        Assert.Equal("Spend per day, by team", page.Find("[data-testid=usage-chart-title]").TextContent.Trim());
        Assert.Equal(["ads", "search"], Legend(page));
        var (_, from, to) = Spend.UsageAsked[^1];
        var export = page.Find("[data-testid=usage-export]");
        Assert.Equal(UsageExport.Address(from, to, UsageGrouping.Team), export.GetAttribute("href"));
        Assert.True(export.HasAttribute("download"));

        page.Find("[data-testid=group-key]").Click();
        Assert.Equal(["batch", "checkout"], Legend(page));
        Assert.EndsWith("by=key", page.Find("[data-testid=usage-export]").GetAttribute("href"));
    }

    [Fact]
    public void tokens_are_charted_per_day_prompt_and_completion()
    {
        Spend.Usage = TwoDays;

        var page = RenderPage(Admin);

        Assert.Equal("400 prompt and 80 completion tokens", page.Find("[data-testid=usage-token-total]").TextContent.Trim());
        Assert.Equal(["prompt", "completion"], page.FindAll("[data-testid=usage-tokens] .mud-chart-legend-item").Select(l => l.TextContent.Trim()));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Spend.UsageFails = new InvalidOperationException("Npgsql exploded at SomeInternalFrame()");

        var page = RenderPage(Admin);

        Assert.Contains("could not be loaded", page.Find("[data-testid=usage-problem]").TextContent);
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
