using Gateway.Api.Tests.Infrastructure;
using System.Net;
using Gateway.Domain;
using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Teams;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Features.Usage;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// A team lead's week in a real browser against the real gateway: members and their budgets, a key's budget, the
/// team's spend, a CSV of it, one call in full — and another team's page and calls refused by the server. Then an
/// admin's side: a new team and a customer.
/// </summary>
public sealed class TeamLeadWeekTests(PostgresFixture postgres, Chromium chromium) : IAsyncLifetime
{
    const string LeadPassword = "lena's long portal password";
    PortalGateway _gateway = null!;
    Guid _adsCall;

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search", max_budget = 100, budget_duration = "30d" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads" }, ct);
        using (var scope = _gateway.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<IUsersClient>();
            var invited = await users.CreateAsync(SignedInUser.Admin("admin"), new NewPortalUser { UserId = "lena", Teams = ["search"] }, ct);
            var accepted = await scope.ServiceProvider.GetRequiredService<IPortalAccounts>().AcceptInvitationAsync(invited.Value!.Token, LeadPassword, ct);
            Assert.True(accepted.Succeeded, accepted.Refusal?.Message);
        }
        var search = await _gateway.AdminPostAsync("/key/generate", new { key_alias = "search-bot", team_id = "search" }, ct);
        var ads = await _gateway.AdminPostAsync("/key/generate", new { key_alias = "ads-bot", team_id = "ads" }, ct);
        using (var call = await _gateway.ChatAsync(search.GetProperty("key").GetString()!, ct))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        using (var call = await _gateway.ChatAsync(ads.GetProperty("key").GetString()!, ct))
            _adsCall = Guid.Parse(call.Headers.GetValues("x-litellm-call-id").Single());
        await _gateway.SpendRecordedAsync();
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task a_team_lead_manages_members_and_a_key_budget_reads_spend_and_logs_and_is_refused_another_team()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lead = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = lead.Page;
        await lead.SignInAsync("lena", LeadPassword, "/ui/teams");

        // Her teams: search only; its page shows the budget and says who changes it.
        await Expect(page.GetByTestId("team-link")).ToHaveTextAsync(["search"]);
        await page.GetByTestId("team-link").ClickAsync();
        await Expect(page.GetByTestId("team-title")).ToHaveTextAsync("search");
        await Expect(page.GetByTestId("team-spend-in-window")).ToContainTextAsync("of $100.00 since");
        await Expect(page.GetByTestId("settings-admins-only")).ToContainTextAsync("Only admins change a team's budget");
        await Expect(page.GetByTestId("team-actions")).ToHaveCountAsync(0);

        // A member with a budget of their own in the team.
        await page.GetByTestId("add-member").ClickAsync();
        await lead.Field("member-user-id").FillAsync("ada");
        await lead.Field("member-budget").FillAsync("10");
        await page.GetByTestId("member-submit").ClickAsync();
        await Expect(page.GetByTestId("member-row").Filter(new() { HasText = "ada" })).ToContainTextAsync("$10.00");
        await lead.ScreenshotAsync("team-lead-added-a-member-with-a-budget");

        // A budget on the team's key.
        await page.GetByTestId("team-key-row").GetByTestId("key-edit").ClickAsync();
        await lead.Field("key-max-budget").FillAsync("5");
        await page.GetByTestId("edit-submit").ClickAsync();
        await Expect(page.GetByTestId("team-key-budget")).ToHaveTextAsync("$5.00");

        // The team's spend, by team, and the same as CSV.
        await lead.GoToAsync("/ui/usage");
        await Expect(page.GetByTestId("usage-total")).ToContainTextAsync("over 1 call");
        await page.GetByTestId("group-team").ClickAsync();
        await Expect(page.GetByTestId("usage-chart-title")).ToHaveTextAsync("Spend per day, by team");
        await Expect(page.GetByTestId("usage-by-team")).ToContainTextAsync("search");
        await Expect(page.GetByTestId("usage-by-team")).Not.ToContainTextAsync("ads");
        await lead.ScreenshotAsync("team-lead-usage-by-team");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("usage-export").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), ct);
        Assert.Matches(@"^usage-by-team-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,team,spend_usd,requests,prompt_tokens,completion_tokens", lines[0]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2},search,0\.\d+,1,\d+,\d+$", Assert.Single(lines[1..]));

        // The call in full.
        await lead.GoToAsync("/ui/logs");
        await Expect(page.GetByTestId("log-link")).ToHaveCountAsync(1);
        await page.GetByTestId("log-link").ClickAsync();
        await Expect(page.GetByTestId("log-key")).ToHaveTextAsync("search-bot");
        await Expect(page.GetByTestId("log-team")).ToHaveTextAsync("search");
        await Expect(page.GetByTestId("log-price-sheet")).ToContainTextAsync("Price sheet");
        await Expect(page.GetByTestId("log-prices")).ToBeVisibleAsync();
        await lead.ScreenshotAsync("team-lead-one-call-in-full");

        // Another team, by its address: the server refuses its page and its calls.
        await lead.GoToAsync("/ui/teams/ads");
        await Expect(page.GetByTestId("refusal")).ToHaveTextAsync("You do not lead team ads, so you cannot see or change it.");
        await Expect(page.GetByTestId("add-member")).ToHaveCountAsync(0);
        await lead.ScreenshotAsync("team-lead-refused-another-team");
        await lead.GoToAsync($"/ui/logs/{_adsCall}");
        await Expect(page.GetByTestId("refusal")).ToContainTextAsync("a team you do not lead");
        await lead.GoToAsync("/ui/customers");
        await Expect(page.GetByTestId("refusal")).ToContainTextAsync("Only admins see and change customers");

        // The export answers her cookie with her teams' calls only, and stops the moment she no longer leads a team.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var byKey = await page.APIRequest.GetAsync(UsageExport.Address(today, today, UsageGrouping.Key));
        Assert.Equal(200, byKey.Status);
        var keysCsv = await byKey.TextAsync();
        Assert.Contains(",search-bot,", keysCsv);
        Assert.DoesNotContain("ads-bot", keysCsv);
        await _gateway.AdminPostAsync("/team/member_delete", new { team_id = "search", user_id = "lena" }, ct);
        var afterRemoval = await page.APIRequest.GetAsync(UsageExport.Address(today, today, UsageGrouping.Key));
        Assert.Equal(403, afterRemoval.Status);
        Assert.DoesNotContain("search-bot", await afterRemoval.TextAsync());

        // What was recorded is the admin API's events, by her; a forged action on the other team records nothing.
        var added = (await _gateway.EventsAsync<TeamMemberAdded>()).Single(e => e.UserId == "ada");
        Assert.Equal(("search", 10m, "portal:lena"), (added.TeamId, added.MaxBudgetInTeam, added.By));
        Assert.Equal("portal:lena", Assert.Single(await _gateway.EventsAsync<KeyUpdated>()).By);
        Assert.Equal(5m, (await _gateway.KeyAsync("search-bot")).MaxBudget);
        using var scope = _gateway.Services.CreateScope();
        var teams = scope.ServiceProvider.GetRequiredService<ITeamsClient>();
        var forged = await teams.AddMemberAsync(SignedInUser.TeamLead("lena", ["search", "ads"]), "ads", new MemberSettings { UserId = "lena", Role = TeamRoles.Admin }, ct);
        Assert.Equal(RejectionKind.Forbidden, forged.Refusal?.Kind);
        Assert.DoesNotContain(await _gateway.EventsAsync<TeamMemberAdded>(), e => e.TeamId == "ads");
    }

    [Fact]
    public async Task an_admin_creates_a_team_with_a_budget_and_adds_a_customer()
    {
        await using var admin = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = admin.Page;
        await admin.SignInAsync("admin", PortalGateway.MasterKey, "/ui/teams");

        await page.GetByTestId("create-team").ClickAsync();
        await admin.Field("team-id").FillAsync("ml");
        await admin.Field("team-alias").FillAsync("Machine learning");
        await admin.Field("team-max-budget").FillAsync("250");
        await admin.Field("team-budget-duration").FillAsync("1mo");
        await page.GetByTestId("team-submit").ClickAsync();
        // The circuit navigates in the page (no document load to wait for, which once timed out in CI): watch the address.
        await Expect(page).ToHaveURLAsync(new Uri(_gateway.BaseUrl, "/ui/teams/ml").ToString());
        await Expect(page.GetByTestId("team-title")).ToHaveTextAsync("ml");
        await Expect(page.GetByTestId("team-spend-in-window")).ToContainTextAsync("$0.00 of $250.00");
        await admin.ScreenshotAsync("admin-created-a-team");

        await page.GetByTestId("team-block").ClickAsync();
        await Expect(page.GetByTestId("team-status")).ToHaveTextAsync("Blocked");

        await admin.GoToAsync("/ui/customers");
        await Expect(page.GetByTestId("no-customers")).ToBeVisibleAsync();
        await page.GetByTestId("create-customer").ClickAsync();
        await admin.Field("customer-id").FillAsync("acme");
        await admin.Field("customer-max-budget").FillAsync("20");
        await page.GetByTestId("customer-submit").ClickAsync();
        await Expect(page.GetByTestId("customers-grid")).ToContainTextAsync("$0.00 of $20.00");
        await admin.ScreenshotAsync("admin-added-a-customer");

        var team = Assert.Single(await _gateway.EventsAsync<TeamCreated>(), t => t.TeamId == "ml");
        Assert.Equal((250m, "1mo", "portal:admin"), (team.MaxBudget, team.BudgetDuration, team.By));
        Assert.Single(await _gateway.EventsAsync<TeamBlocked>());
        Assert.Equal(20m, Assert.Single(await _gateway.EventsAsync<CustomerCreated>()).MaxBudget);
    }
}
