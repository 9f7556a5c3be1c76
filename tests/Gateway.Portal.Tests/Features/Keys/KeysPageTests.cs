using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Keys;

public sealed class KeysPageTests : PortalTestContext
{
    private IRenderedComponent<KeysPage> RenderPage(SignedInUser user)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        Render<MudDialogProvider>();
        return Render<KeysPage>(parameters => parameters.AddCascadingValue(user));
    }

    private static IEnumerable<string> Aliases(IRenderedComponent<KeysPage> page) =>
        page.FindAll("[data-testid=key-link]").Select(link => link.TextContent.Trim());

    [Fact]
    public void the_grid_lists_the_keys_with_their_team_spend_and_status()
    {
        Keys.Rows.Add(FakeKeysClient.Key("checkout", "search", spend: 1.5m));
        Keys.Rows.Add(FakeKeysClient.Key("batch-job", "ads", blocked: true));

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(["checkout", "batch-job"], Aliases(page)));
        var rows = page.FindAll("[data-testid=keys-grid] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("search", rows[0]);
        Assert.Contains("$1.50", rows[0]);
        Assert.Contains("Active", rows[0]);
        Assert.Contains("Blocked", rows[1]);
        Assert.Equal($"/ui/keys/{Keys.Rows[0].Id}", page.FindAll("[data-testid=key-link]")[0].GetAttribute("href"));
    }

    [Fact]
    public void the_grid_asks_the_server_for_one_page_newest_first()
    {
        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.NotEmpty(Keys.Queries));
        var query = Keys.Queries[^1];
        Assert.Equal(0, query.Page);
        Assert.Equal(25, query.PageSize);
        Assert.Null(query.Search);
        Assert.True(query.Descending);
    }

    [Fact]
    public void searching_asks_the_server_again_with_the_search_text()
    {
        Keys.Rows.Add(FakeKeysClient.Key("checkout", "search"));
        Keys.Rows.Add(FakeKeysClient.Key("batch-job", "ads"));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Equal(2, Aliases(page).Count()));

        page.Find("input[data-testid=key-search]").Input("check");

        page.WaitForAssertion(() => Assert.Equal("check", Keys.Queries[^1].Search), TimeSpan.FromSeconds(3));
        page.WaitForAssertion(() => Assert.Equal(["checkout"], Aliases(page)));
    }

    [Fact]
    public void a_search_in_the_address_starts_the_list_with_it()
    {
        SignInAs(Admin);
        Render<MudPopoverProvider>();

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("search", "search"));

        var page = Render<KeysPage>(p => p.AddCascadingValue(Admin));

        page.WaitForAssertion(() => Assert.Equal("search", Keys.Queries[^1].Search));
        Assert.Equal("search", page.Find("input[data-testid=key-search]").GetAttribute("value"));
    }

    [Fact]
    public void sorting_by_a_column_asks_the_server_to_sort_by_it()
    {
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.NotEmpty(Keys.Queries));

        page.FindAll("[data-testid=keys-grid] th .sortable-column-header").First(h => h.TextContent.Contains("Team")).Click();

        page.WaitForAssertion(() => Assert.Equal(nameof(KeyRow.TeamId), Keys.Queries[^1].SortBy));
        Assert.False(Keys.Queries[^1].Descending);
    }

    [Fact]
    public void with_no_keys_the_grid_says_how_to_start()
    {
        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("No keys yet", page.Find("[data-testid=no-keys]").TextContent));
    }

    [Fact]
    public void a_failed_load_says_so_in_words_without_a_stack_trace()
    {
        Keys.ListFails = new InvalidOperationException("Npgsql exploded at SomeInternalFrame()");

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[data-testid=keys-problem]").TextContent));
        Assert.DoesNotContain("Npgsql", page.Markup);
        Assert.DoesNotContain("SomeInternalFrame", page.Markup);
    }

    [Fact]
    public void a_team_lead_is_told_whose_keys_they_see()
    {
        var page = RenderPage(SignedInUser.TeamLead("lena", ["search", "ads"]));

        Assert.Equal("The keys of the teams you lead: ads, search.", page.Find("[data-testid=scope-note]").TextContent.Trim());
    }
}
