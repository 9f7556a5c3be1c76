using Bunit;
using Gateway.Domain;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Keys;

public sealed class KeyDetailsPageTests : PortalTestContext
{
    private IRenderedComponent<KeyDetailsPage> RenderPage(SignedInUser user, Guid keyId)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        Render<MudDialogProvider>();
        return Render<KeyDetailsPage>(p => p.Add(x => x.KeyId, keyId).AddCascadingValue(user));
    }

    [Fact]
    public void a_refused_key_shows_the_reason_and_nothing_to_click()
    {
        Keys.Details = PortalResult<KeyDetails>.Forbidden("This key does not belong to a team you lead, so you cannot see or change it.");

        var page = RenderPage(LeadOfSearch, Guid.CreateVersion7());

        Assert.Contains("does not belong to a team you lead", page.Find("[data-testid=refusal]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=key-actions]"));
        Assert.Empty(page.FindAll("[data-testid=key-settings]"));
    }

    [Fact]
    public void the_page_shows_settings_spend_and_history_newest_first()
    {
        var row = FakeKeysClient.Key("checkout", "search");
        Keys.Details = PortalResult<KeyDetails>.Ok(new KeyDetails(row,
            new KeySpendSummary(2.5m, null, null, 7, new Dictionary<string, decimal> { ["gpt-4o"] = 2.5m }, []),
            [
                new KeyHistoryEntry(2, FakeKeysClient.Issued.AddHours(1), "lena (portal)", "Blocked", []),
                new KeyHistoryEntry(1, FakeKeysClient.Issued, "master key (admin API)", "Issued", ["alias: checkout"]),
            ]));

        var page = RenderPage(LeadOfSearch, row.Id);

        Assert.Equal("checkout", page.Find("[data-testid=key-title]").TextContent.Trim());
        Assert.Equal("$2.50 in all, over 7 requests", page.Find("[data-testid=key-lifetime-spend]").TextContent.Trim());
        var history = page.FindAll("[data-testid=history-entry]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, history.Count);
        Assert.Contains("lena (portal)", history[0]);
        Assert.Contains("Blocked", history[0]);
        Assert.Contains("alias: checkout", history[1]);
        Assert.NotEmpty(page.FindAll("[data-testid=key-actions]"));
    }
}
