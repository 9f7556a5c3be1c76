using Bunit;
using Gateway.Domain.Pricing;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Logs;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Logs;

public sealed class LogDetailsPageTests : PortalTestContext
{
    private static readonly Guid RequestId = Guid.CreateVersion7();

    private static LogDetails Served() => new(RequestId, FakeLogsClient.Started, FakeLogsClient.Started.AddMilliseconds(850), "acompletion",
        "checkout", "search", "bob", "acme", "gpt-4o", "deployment-1", "openai", "gpt-4o-2024-08-06", null,
        PromptTokens: 1200, CompletionTokens: 300, CachedTokens: 1000, CacheCreationTokens: 0, ReasoningTokens: 120, Cost: 0.00425m,
        new ModelPrice { InputCostPerToken = 0.0000025m, OutputCostPerToken = 0.00001m, CacheReadInputTokenCost = 0.00000125m },
        "sha256:abc123", 850, 210, Stream: true, HttpStatus: 200, UsageEstimated: false, null, null);

    private IRenderedComponent<LogDetailsPage> RenderPage(SignedInUser user, Task<PortalResult<LogDetails>> details)
    {
        Logs.Details = details;
        SignInAs(user);
        return Render<LogDetailsPage>(p => p.Add(x => x.RequestId, RequestId).AddCascadingValue(user));
    }

    [Fact]
    public void a_served_call_shows_who_where_tokens_cost_with_unit_prices_and_timing()
    {
        var page = RenderPage(LeadOfSearch, Task.FromResult(PortalResult<LogDetails>.Ok(Served())));

        Assert.Equal("Call to gpt-4o", page.Find("[data-testid=log-title]").TextContent.Trim());
        Assert.Contains("succeeded · 200", page.Find("[data-testid=log-detail-status]").TextContent);
        Assert.Contains(RequestId.ToString(), page.Find("[data-testid=log-request-id]").TextContent);
        Assert.Equal("checkout", page.Find("[data-testid=log-key]").TextContent.Trim());
        Assert.Equal("acme", page.Find("[data-testid=log-customer]").TextContent.Trim());
        Assert.Equal("deployment-1", page.Find("[data-testid=log-deployment]").TextContent.Trim());
        Assert.Equal("$0.00425", page.Find("[data-testid=log-cost-total]").TextContent.Trim());
        var prices = page.Find("[data-testid=log-prices]").TextContent;
        Assert.Contains("$2.50", prices);
        Assert.Contains("$10.00", prices);
        Assert.Contains("$1.25", prices);
        Assert.Contains("not priced", prices);
        Assert.Contains("Price sheet sha256:abc123", page.Find("[data-testid=log-price-sheet]").TextContent);
        Assert.Contains("210 ms", page.Find("[data-testid=log-timing]").TextContent);
        Assert.Contains("streamed", page.Find("[data-testid=log-who]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=log-error]"));
    }

    [Fact]
    public void a_failed_call_shows_what_went_wrong()
    {
        var failed = Served() with
        {
            HttpStatus = 429, Prices = null, PriceSheetVersion = null, Cost = 0m, ErrorType = "rate_limit_error",
            ErrorMessage = "Rate limit exceeded for api_key: checkout. Limit type: requests.",
        };

        var page = RenderPage(Admin, Task.FromResult(PortalResult<LogDetails>.Ok(failed)));

        Assert.Contains("failed · 429", page.Find("[data-testid=log-detail-status]").TextContent);
        Assert.Equal("rate_limit_error: Rate limit exceeded for api_key: checkout. Limit type: requests.", page.Find("[data-testid=log-error]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=log-prices]"));
    }

    [Fact]
    public void another_teams_call_shows_the_servers_refusal_and_none_of_it()
    {
        var page = RenderPage(LeadOfSearch,
            Task.FromResult(PortalResult<LogDetails>.Forbidden("This call was made with a key of a team you do not lead, so you cannot see it.")));

        Assert.Contains("a team you do not lead", page.Find("[data-testid=refusal]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=log-cost]"));
    }

    [Fact]
    public void while_the_call_loads_a_progress_bar_shows()
    {
        var answer = new TaskCompletionSource<PortalResult<LogDetails>>();

        var page = RenderPage(Admin, answer.Task);
        Assert.Single(page.FindAll("[data-testid=log-loading]"));

        answer.SetResult(PortalResult<LogDetails>.Ok(Served()));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=log-title]")));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        var page = RenderPage(Admin, Task.FromException<PortalResult<LogDetails>>(new InvalidOperationException("Npgsql exploded at SomeInternalFrame()")));

        Assert.Contains("could not be loaded", page.Find("[data-testid=refusal]").TextContent);
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
