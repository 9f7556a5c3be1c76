using Gateway.Api.Tests.Infrastructure;
using System.Net;
using Gateway.Domain;
using Gateway.Domain.Users;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// Sign-in, invitations and rights against the real gateway and store (no browser): the server-side rules the pages
/// rely on.
/// </summary>
public sealed class PortalAccountsTests(PostgresFixture postgres) : IAsyncLifetime
{
    const string Password = "a long enough password";
    PortalGateway _gateway = null!;
    AsyncServiceScope _scope;

    IPortalAccounts Accounts => _scope.ServiceProvider.GetRequiredService<IPortalAccounts>();
    IUsersClient Users => _scope.ServiceProvider.GetRequiredService<IUsersClient>();
    IKeysClient Keys => _scope.ServiceProvider.GetRequiredService<IKeysClient>();
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        _scope = _gateway.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads" }, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    async Task<string> LeadWithPasswordAsync(string userId, string team, CancellationToken ct)
    {
        var created = await Users.CreateAsync(Admin, new NewPortalUser { UserId = userId, Email = $"{userId}@example.com", Teams = [team] }, ct);
        Assert.True(created.Succeeded, created.Refusal?.Message);
        var accepted = await Accounts.AcceptInvitationAsync(created.Value!.Token, Password, ct);
        Assert.True(accepted.Succeeded, accepted.Refusal?.Message);
        return created.Value.Token;
    }

    [Fact]
    public async Task the_admin_signs_in_with_the_master_key_and_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;

        var admin = await Accounts.SignInAsync("admin", PortalGateway.MasterKey, ct);
        var wrong = await Accounts.SignInAsync("admin", PortalGateway.MasterKey + "x", ct);

        Assert.True((await Accounts.ResolveAsync(admin.Principal!, ct))!.IsAdmin);
        Assert.Null(wrong.Principal);
        Assert.Equal("The username or password is not right.", wrong.Problem);
    }

    [Fact]
    public async Task ui_username_and_password_replace_the_master_key_for_the_portal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await PortalGateway.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["UI_USERNAME"] = "ops",
            ["UI_PASSWORD"] = "the ui password",
        });
        await using var scope = gateway.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IPortalAccounts>();

        Assert.NotNull((await accounts.SignInAsync("ops", "the ui password", ct)).Principal);
        Assert.Null((await accounts.SignInAsync("admin", PortalGateway.MasterKey, ct)).Principal);
    }

    [Fact]
    public async Task an_invited_team_lead_signs_in_by_id_or_email_and_leads_their_team()
    {
        var ct = TestContext.Current.CancellationToken;
        await LeadWithPasswordAsync("lena", "search", ct);

        var byId = await Accounts.SignInAsync("lena", Password, ct);
        var byEmail = await Accounts.SignInAsync("lena@example.com", Password, ct);
        var wrong = await Accounts.SignInAsync("lena", "not her password", ct);

        var lena = await Accounts.ResolveAsync(byId.Principal!, ct);
        Assert.False(lena!.IsAdmin);
        Assert.Equal(["search"], lena.TeamIds);
        Assert.NotNull(byEmail.Principal);
        Assert.Null(wrong.Principal);
    }

    [Fact]
    public async Task the_password_is_stored_only_as_a_salted_hash_on_the_users_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await LeadWithPasswordAsync("lena", "search", ct);

        var set = Assert.Single(await _gateway.EventsAsync<PortalPasswordSet>());
        var invited = Assert.Single(await _gateway.EventsAsync<PortalInvitationIssued>());
        Assert.DoesNotContain(Password, set.PasswordHash);
        Assert.StartsWith("AQAAAA", set.PasswordHash); // ASP.NET Core's v3 format: PBKDF2 with a random salt
        Assert.NotEqual(token, invited.TokenHash);
        Assert.Equal(PortalAccounts.TokenHash(token), invited.TokenHash);
    }

    [Fact]
    public async Task an_invitation_link_works_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await LeadWithPasswordAsync("lena", "search", ct);

        var again = await Accounts.AcceptInvitationAsync(token, "somebody else's password", ct);

        Assert.Equal(RejectionKind.NotFound, again.Refusal?.Kind);
        Assert.Null(await Accounts.FindInvitationAsync(token, ct));
        Assert.Null((await Accounts.SignInAsync("lena", "somebody else's password", ct)).Principal);
    }

    [Fact]
    public async Task a_new_password_ends_the_sessions_signed_in_with_the_old_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await LeadWithPasswordAsync("lena", "search", ct);
        var before = (await Accounts.SignInAsync("lena", Password, ct)).Principal!;

        var reset = await Users.InviteAsync(Admin, "lena", ct);
        await Accounts.AcceptInvitationAsync(reset.Value!.Token, "a brand new long password", ct);

        Assert.Null(await Accounts.ResolveAsync(before, ct));
        Assert.NotNull((await Accounts.SignInAsync("lena", "a brand new long password", ct)).Principal);
    }

    [Fact]
    public async Task a_team_lead_removed_from_their_team_loses_its_keys_at_once_even_in_an_open_circuit()
    {
        var ct = TestContext.Current.CancellationToken;
        await LeadWithPasswordAsync("lena", "search", ct);
        var lena = (await Accounts.ResolveAsync((await Accounts.SignInAsync("lena", Password, ct)).Principal!, ct))!;
        var issued = await Keys.IssueAsync(lena, new KeySettings { Alias = "search-bot", TeamId = "search" }, ct);
        Assert.True(issued.Succeeded, issued.Refusal?.Message);

        await _gateway.AdminPostAsync("/team/member_delete", new { team_id = "search", user_id = "lena" }, ct);
        var blocked = await Keys.BlockAsync(lena, issued.Value!.KeyId, ct);

        Assert.Equal(RejectionKind.Forbidden, blocked.Refusal?.Kind);
        Assert.Equal(PortalRights.NoLongerAllowed, blocked.Refusal?.Message);
        Assert.Empty((await Keys.ListAsync(lena, new KeyListQuery(0, 25), ct)).Rows);
        Assert.Null((await Accounts.SignInAsync("lena", Password, ct)).Principal);
    }

    [Fact]
    public async Task a_team_lead_is_refused_every_admin_action()
    {
        var ct = TestContext.Current.CancellationToken;
        await LeadWithPasswordAsync("lena", "search", ct);
        var lena = (await Accounts.ResolveAsync((await Accounts.SignInAsync("lena", Password, ct)).Principal!, ct))!;

        var listed = await Users.ListAsync(lena, ct);
        var created = await Users.CreateAsync(lena, new NewPortalUser { UserId = "mallory", IsAdmin = true }, ct);
        var invited = await Users.InviteAsync(lena, "lena", ct);

        var audit = _scope.ServiceProvider.GetRequiredService<Gateway.Portal.Features.Audit.IAuditClient>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var otherTeam = await audit.RunAsync(lena, new Gateway.Portal.Features.Audit.AuditRequest(today, today) { TeamId = "ads" }, ct);
        var everyTeam = await audit.RunAsync(lena, new Gateway.Portal.Features.Audit.AuditRequest(today, today) { TeamId = null }, ct);
        var ownTeam = await audit.RunAsync(lena, new Gateway.Portal.Features.Audit.AuditRequest(today, today) { TeamId = "search" }, ct);

        Assert.Equal(RejectionKind.Forbidden, otherTeam.Refusal?.Kind);
        Assert.Equal(RejectionKind.Invalid, everyTeam.Refusal?.Kind);
        Assert.True(ownTeam.Succeeded, ownTeam.Refusal?.Message);
        Assert.Equal(RejectionKind.Forbidden, listed.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, created.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, invited.Refusal?.Kind);
        Assert.Single(await _gateway.EventsAsync<UserCreated>());
    }

    [Fact]
    public async Task a_key_issued_in_the_portal_answers_and_one_revoked_there_stops_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var issued = await Keys.IssueAsync(Admin, new KeySettings { Alias = "app", Models = "mock-gpt" }, ct);

        using (var ok = await _gateway.ChatAsync(issued.Value!.Plaintext, ct))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True((await Keys.RevokeAsync(Admin, issued.Value.KeyId, ct)).Succeeded);
        using var refused = await _gateway.ChatAsync(issued.Value.Plaintext, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task changes_from_the_portal_are_the_same_events_the_admin_api_records()
    {
        var ct = TestContext.Current.CancellationToken;
        var issued = await Keys.IssueAsync(Admin, new KeySettings { Alias = "app", TeamId = "ads" }, ct);
        var id = issued.Value!.KeyId;

        await Keys.UpdateAsync(Admin, id, new KeySettings { Alias = "app", TeamId = "ads", MaxBudget = 10m, RpmLimit = 60 }, ct);
        await Keys.BlockAsync(Admin, id, ct);
        await Keys.UnblockAsync(Admin, id, ct);
        await Keys.RegenerateAsync(Admin, id, ct);

        var details = await Keys.DetailsAsync(Admin, id, ct);
        var history = details.Value!.History;
        Assert.Equal(["Regenerated (the old secret stopped at once)", "Unblocked", "Blocked", "Settings changed", "Issued"], history.Select(h => h.What));
        Assert.Equal(["max budget: none → $10.00", "RPM limit: none → 60"], history[3].Changes);
        Assert.All(history, h => Assert.Equal("admin (portal)", h.By));
        var key = await _gateway.KeyAsync("app");
        Assert.Equal(10m, key.MaxBudget);
        Assert.False(key.Blocked);
    }
}
