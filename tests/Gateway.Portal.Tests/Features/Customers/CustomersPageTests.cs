using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Customers;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Customers;

public sealed class CustomersPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<CustomersPage> RenderPage(SignedInUser user)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<CustomersPage>(p => p.AddCascadingValue(user));
    }

    [Fact]
    public void an_admin_sees_customers_with_their_window_spend_budget_and_status()
    {
        Customers.Rows.Add(new CustomerRow(FakeCustomersClient.Customer("acme", 20m), 4.25m));
        Customers.Rows.Add(new CustomerRow(FakeCustomersClient.Customer("globex", blocked: true), 0m));

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=customers-grid] tbody tr").Count));
        var rows = page.FindAll("[data-testid=customers-grid] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("acme", rows[0]);
        Assert.Contains("$4.25 of $20.00", rows[0]);
        Assert.Contains("Blocked", rows[1]);
        Assert.Equal(2, page.FindAll("[data-testid=customer-actions]").Count);
        Assert.Equal(new CustomerListQuery(0, 25), Customers.Queries[^1]);
    }

    [Fact]
    public void a_team_lead_gets_the_servers_refusal_and_nothing_to_click()
    {
        Customers.Rows.Add(new CustomerRow(FakeCustomersClient.Customer("acme"), 0m));

        var page = RenderPage(LeadOfSearch);

        page.WaitForAssertion(() => Assert.Contains("Only admins see and change customers", page.Find("[data-testid=refusal]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=customers-grid]"));
        Assert.Empty(page.FindAll("[data-testid=create-customer]"));
        Assert.DoesNotContain("acme", page.Markup);
    }

    [Fact]
    public void adding_a_customer_sends_their_budget_and_limits()
    {
        var page = RenderPage(Admin);

        page.Find("[data-testid=create-customer]").Click();
        _dialogs.Find("input[data-testid=customer-id]").Change("acme");
        _dialogs.Find("input[data-testid=customer-max-budget]").Change("20");
        _dialogs.Find("input[data-testid=customer-rpm]").Change("60");
        _dialogs.Find("[data-testid=customer-submit]").Click();

        _dialogs.WaitForAssertion(() => Assert.Single(Customers.Actions));
        var (action, id, with) = Customers.Actions[0];
        Assert.Equal(("create", "acme", 20m, 60L), (action, id, with!.MaxBudget, with.RpmLimit));
    }

    [Fact]
    public void blocking_and_deleting_act_on_that_customer_and_deleting_asks_first()
    {
        Customers.Rows.Add(new CustomerRow(FakeCustomersClient.Customer("acme"), 0m));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=customer-block]")));

        page.Find("[data-testid=customer-block]").Click();
        page.Find("[data-testid=customer-delete]").Click();
        Assert.Contains("To stop their calls instead, block them", _dialogs.Markup);
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Equal(["block", "delete"], Customers.Actions.Select(a => a.Action)));
        Assert.All(Customers.Actions, a => Assert.Equal("acme", a.CustomerId));
    }

    [Fact]
    public void with_no_customers_the_grid_says_what_they_are_for()
    {
        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("No customers yet", page.Find("[data-testid=no-customers]").TextContent));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Customers.ListFails = new InvalidOperationException("Npgsql exploded at SomeInternalFrame()");

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[data-testid=customers-problem]").TextContent));
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }
}
