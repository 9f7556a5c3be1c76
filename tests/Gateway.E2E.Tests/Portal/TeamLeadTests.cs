using Gateway.Api.Tests.Infrastructure;
using System.Net;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// A team lead, invited by an admin, manages their team's keys and cannot see or touch another team's: the page
/// refuses, and so does the server when the action is forged.
/// </summary>
public sealed class TeamLeadTests(PostgresFixture postgres, Chromium chromium) : IAsyncLifetime
{
    const string LeadPassword = "lena's long portal password";
    PortalGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads" }, ct);
        await _gateway.AdminPostAsync("/key/generate", new { key_alias = "search-bot", team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/key/generate", new { key_alias = "ads-bot", team_id = "ads" }, ct);
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task an_invited_team_lead_sees_and_changes_only_their_teams_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        var adsKey = await _gateway.KeyAsync("ads-bot");

        // The admin adds Lena as the lead of "search" and gets her invitation link.
        string invitation;
        await using (var admin = await PortalBrowser.OpenAsync(chromium, _gateway))
        {
            await admin.SignInAsync("admin", PortalGateway.MasterKey, "/ui/users");
            await admin.Page.GetByTestId("add-user").ClickAsync();
            await admin.Field("new-user-id").FillAsync("lena");
            await admin.Page.Locator("[data-testid=new-user-teams]").ClickAsync();
            await admin.Page.GetByRole(AriaRole.Option, new() { Name = "search" }).ClickAsync();
            // A multi-select stays open; a click outside it closes it.
            await admin.Page.Mouse.ClickAsync(5, 5);
            await admin.Page.Locator(".mud-popover-open").WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await admin.Page.GetByTestId("new-user-submit").ClickAsync();
            invitation = await admin.Field("invitation-link").InputValueAsync();
            await admin.ScreenshotAsync("admin-invites-team-lead");
            await admin.Page.GetByTestId("invitation-done").ClickAsync();
            await Expect(admin.Page.GetByTestId("users-grid")).ToContainTextAsync("Team lead of search");
        }

        await using var lead = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = lead.Page;

        // Lena sets her password from the link and lands in the portal, signed in.
        await page.GotoAsync(invitation);
        await Expect(page.GetByTestId("invited-user")).ToContainTextAsync("lena");
        await page.GetByTestId("new-password").FillAsync(LeadPassword);
        await page.GetByTestId("confirm-password").FillAsync(LeadPassword);
        await page.GetByTestId("set-password-button").ClickAsync();
        await page.WaitForURLAsync(new Uri(_gateway.BaseUrl, "/ui").ToString());
        await lead.InteractiveAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("lena · Team lead");
        await Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);

        // Her keys page lists her team's key and not the other team's.
        await lead.GoToAsync("/ui/keys");
        await Expect(page.GetByTestId("key-link")).ToHaveTextAsync(["search-bot"]);
        await Expect(page.GetByTestId("keys-grid")).Not.ToContainTextAsync("ads-bot");
        await lead.ScreenshotAsync("team-lead-sees-only-their-keys");

        // The other team's key, opened by its address: refused, with nothing to click.
        await lead.GoToAsync($"/ui/keys/{adsKey.Id}");
        await Expect(page.GetByTestId("refusal")).ToContainTextAsync("does not belong to a team you lead");
        await Expect(page.GetByTestId("key-actions")).ToHaveCountAsync(0);
        await lead.ScreenshotAsync("team-lead-refused-other-teams-key");

        // Teams: hers only.
        await lead.GoToAsync("/ui/teams");
        await Expect(page.GetByTestId("teams-grid")).ToContainTextAsync("lena (admin)");
        await Expect(page.GetByTestId("teams-grid")).Not.ToContainTextAsync("ads");

        // An admin page by its address: refused too.
        await lead.GoToAsync("/ui/users");
        await Expect(page.GetByTestId("refusal")).ToContainTextAsync("Only admins");

        // A forged action (what a tampered circuit could ask): the server's own check refuses it, and nothing is recorded.
        var lena = await SignedInAsync("lena", LeadPassword, ct);
        using (var scope = _gateway.Services.CreateScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<IKeysClient>();
            var blocked = await keys.BlockAsync(lena, adsKey.Id, ct);
            var revoked = await keys.RevokeAsync(lena, adsKey.Id, ct);
            var moved = await keys.IssueAsync(lena, new KeySettings { Alias = "sneaky", TeamId = "ads" }, ct);

            Assert.Equal(RejectionKind.Forbidden, blocked.Refusal?.Kind);
            Assert.Equal(RejectionKind.Forbidden, revoked.Refusal?.Kind);
            Assert.Equal(RejectionKind.Forbidden, moved.Refusal?.Kind);
        }
        Assert.Empty(await _gateway.EventsAsync<KeyBlocked>());
        Assert.Empty(await _gateway.EventsAsync<KeyRevoked>());
        Assert.False((await _gateway.KeyAsync("ads-bot")).Blocked);
    }

    [Fact]
    public async Task a_team_lead_blocks_their_teams_key_and_the_api_refuses_it_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var searchKey = await _gateway.AdminPostAsync("/key/generate", new { key_alias = "search-app", team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/user/new", new { user_id = "lena", user_role = "internal_user" }, ct);
        await _gateway.AdminPostAsync("/team/member_add", new { team_id = "search", member = new { user_id = "lena", role = "admin" } }, ct);
        var link = await InviteAsync("lena", ct);
        var accounts = _gateway.Services.CreateScope().ServiceProvider.GetRequiredService<IPortalAccounts>();
        Assert.True((await accounts.AcceptInvitationAsync(link, LeadPassword, ct)).Succeeded);

        await using var lead = await PortalBrowser.OpenAsync(chromium, _gateway);
        await lead.SignInAsync("lena", LeadPassword, "/ui/keys");
        await lead.Field("key-search").FillAsync("search-app");
        await Expect(lead.Page.GetByTestId("key-link")).ToHaveTextAsync(["search-app"]);
        await lead.Page.GetByTestId("key-block").ClickAsync();
        await Expect(lead.Page.GetByTestId("key-status")).ToHaveTextAsync(["Blocked"]);
        await lead.ScreenshotAsync("team-lead-blocked-a-key");

        using var refused = await _gateway.ChatAsync(searchKey.GetProperty("key").GetString()!, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var blocked = Assert.Single(await _gateway.EventsAsync<KeyBlocked>());
        Assert.Equal("portal:lena", blocked.By);
    }

    async Task<SignedInUser> SignedInAsync(string username, string password, CancellationToken ct)
    {
        using var scope = _gateway.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IPortalAccounts>();
        var signIn = await accounts.SignInAsync(username, password, ct);
        Assert.NotNull(signIn.Principal);
        return (await accounts.ResolveAsync(signIn.Principal, ct))!;
    }

    async Task<string> InviteAsync(string userId, CancellationToken ct)
    {
        using var scope = _gateway.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Gateway.Portal.Features.Users.IUsersClient>();
        var admin = SignedInUser.Admin("admin");
        var link = await users.InviteAsync(admin, userId, ct);
        Assert.True(link.Succeeded, link.Refusal?.Message);
        return link.Value!.Token;
    }
}
