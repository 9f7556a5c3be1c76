using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Keys;

public sealed class KeyActionsTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<KeyActions> RenderActions(SignedInUser user, KeyRow row)
    {
        SignInAs(user);
        Keys.Rows.Add(row);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<KeyActions>(parameters => parameters.Add(a => a.Row, row).AddCascadingValue(user));
    }

    private static IEnumerable<string?> Offered(IRenderedComponent<KeyActions> actions) =>
        actions.FindAll("[data-testid=key-actions] button").Select(b => b.GetAttribute("data-testid"));

    [Fact]
    public void an_admin_is_offered_every_action()
    {
        var actions = RenderActions(Admin, FakeKeysClient.Key("checkout", "ads"));

        Assert.Equal(["key-edit", "key-block", "key-regenerate", "key-revoke"], Offered(actions));
    }

    [Fact]
    public void a_blocked_key_offers_unblock_instead_of_block()
    {
        var actions = RenderActions(Admin, FakeKeysClient.Key("checkout", "ads", blocked: true));

        Assert.Equal(["key-edit", "key-unblock", "key-regenerate", "key-revoke"], Offered(actions));
    }

    [Fact]
    public void a_team_lead_is_offered_the_actions_on_their_teams_key()
    {
        var actions = RenderActions(LeadOfSearch, FakeKeysClient.Key("search-bot", "search"));

        Assert.Equal(["key-edit", "key-block", "key-regenerate", "key-revoke"], Offered(actions));
    }

    [Fact]
    public void a_team_lead_is_offered_nothing_on_another_teams_key_or_a_key_without_a_team()
    {
        Assert.Empty(RenderActions(LeadOfSearch, FakeKeysClient.Key("ads-bot", "ads")).FindAll("[data-testid=key-actions]"));
        Assert.Empty(Render<KeyActions>(p => p.Add(a => a.Row, FakeKeysClient.Key("loose", null)).AddCascadingValue(LeadOfSearch))
            .FindAll("[data-testid=key-actions]"));
    }

    [Fact]
    public void blocking_asks_the_server_to_block_that_key()
    {
        var row = FakeKeysClient.Key("checkout", "ads");
        var actions = RenderActions(Admin, row);

        actions.Find("[data-testid=key-block]").Click();

        Assert.Equal([("block", row.Id)], Keys.Actions);
    }

    [Fact]
    public void revoking_asks_first_and_a_cancel_revokes_nothing()
    {
        var row = FakeKeysClient.Key("checkout", "ads");
        var changed = 0;
        SignInAs(Admin);
        Keys.Rows.Add(row);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        var actions = Render<KeyActions>(p => p.Add(a => a.Row, row).Add(a => a.Changed, _ => changed++).AddCascadingValue(Admin));

        actions.Find("[data-testid=key-revoke]").Click();
        Assert.Contains("stops working for good", _dialogs.Markup);
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Empty(Keys.Actions);
        Assert.Equal(0, changed);

        actions.Find("[data-testid=key-revoke]").Click();
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        actions.WaitForAssertion(() => Assert.Equal([("revoke", row.Id)], Keys.Actions));
        Assert.Equal(1, changed);
    }

    [Fact]
    public void regenerating_shows_the_new_secret_once()
    {
        var row = FakeKeysClient.Key("checkout", "ads");
        var actions = RenderActions(Admin, row);

        actions.Find("[data-testid=key-regenerate]").Click();
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Regenerate").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("sk-regenerated-secret-9876",
            _dialogs.Find("input[data-testid=key-plaintext]").GetAttribute("value")));
        Assert.Equal([("regenerate", row.Id)], Keys.Actions);
    }
}
