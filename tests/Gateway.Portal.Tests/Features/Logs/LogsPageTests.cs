using Bunit;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Logs;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Logs;

public sealed class LogsPageTests : PortalTestContext
{
    private IRenderedComponent<LogsPage> RenderPage(SignedInUser user)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        return Render<LogsPage>(p => p.AddCascadingValue(user));
    }

    [Fact]
    public void each_call_shows_key_team_model_deployment_tokens_cost_latency_and_status_and_links_to_itself()
    {
        var call = FakeLogsClient.Call("checkout", "search");
        Logs.Rows.Add(call);
        Logs.Rows.Add(FakeLogsClient.Call("checkout", "search", SpendLog.Failure));

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=log-link]").Count));
        var row = page.FindAll("[data-testid=logs-grid] tbody tr")[0].TextContent;
        foreach (var part in (string[])["2026-11-20 14:30:05", "checkout", "search", "gpt-4o", "openai/gpt-4o-2024-08-06", "deployment-1", "120 / 30", "$0.0021", "850 ms", "200"])
            Assert.Contains(part, row);
        Assert.Equal("429", page.FindAll("[data-testid=log-status]")[1].TextContent.Trim());
        Assert.Equal($"/ui/logs/{call.Call.Id}", page.FindAll("[data-testid=log-link]")[0].GetAttribute("href"));
    }

    [Fact]
    public void the_filters_are_sent_to_the_server()
    {
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.NotEmpty(Logs.Queries));
        Assert.Equal(new LogQuery(0, 25), Logs.Queries[^1]);

        page.Find("input[data-testid=logs-key]").Input("check");
        page.WaitForAssertion(() => Assert.Equal("check", Logs.Queries[^1].Key), TimeSpan.FromSeconds(3));
        page.Find("input[data-testid=logs-team]").Input("search");
        page.WaitForAssertion(() => Assert.Equal(("check", "search"), (Logs.Queries[^1].Key, Logs.Queries[^1].Team)), TimeSpan.FromSeconds(3));
        page.Find("input[data-testid=logs-customer]").Input("acme");
        page.WaitForAssertion(() => Assert.Equal("acme", Logs.Queries[^1].Customer), TimeSpan.FromSeconds(3));
        page.Find("input[data-testid=logs-model]").Input("gpt-4o");
        page.WaitForAssertion(() => Assert.Equal("gpt-4o", Logs.Queries[^1].Model), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void with_no_calls_the_page_says_when_they_appear()
    {
        var page = RenderPage(LeadOfSearch);

        page.WaitForAssertion(() => Assert.Contains("Calls appear here a few seconds after they end", page.Find("[data-testid=no-logs]").TextContent));
        Assert.Contains("search", page.Find("[data-testid=scope-note]").TextContent);
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Logs.ListFails = new InvalidOperationException("Npgsql exploded at SomeInternalFrame()");

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[data-testid=logs-problem]").TextContent));
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
