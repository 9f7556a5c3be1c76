using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using Gateway.Portal;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;
using Gateway.Portal.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Tests.Audit;

/// <summary>
/// The portal's audit (<see cref="IAuditClient"/> and its CSV download) over real traffic on a real store: an uploaded
/// sheet recomputes without being published, "as of" replays to the tick, and a team lead sees only their teams.
/// </summary>
public sealed class AuditClientTests(AuditTraffic traffic) : IClassFixture<AuditTraffic>
{
    const string LeadPassword = "lena's long portal password";
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Around today, like <see cref="AuditTraffic.Period"/>.</summary>
    static AuditRequest Period => new(Today.AddDays(-1), Today.AddDays(1));

    async Task<T> WithClient<T>(Func<IAuditClient, Task<T>> use)
    {
        await using var scope = traffic.Host.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<IAuditClient>());
    }

    static string Doubled(PriceSheet sheet)
    {
        var json = JsonNode.Parse(sheet.ToLiteLlmJson())!.AsObject();
        foreach (var (_, entry) in json)
        {
            foreach (var field in entry!.AsObject().Where(f => f.Key.Contains("cost", StringComparison.Ordinal)).ToList())
                entry[field.Key] = JsonValue.Create(field.Value!.GetValue<decimal>() * 2);
        }
        return json.ToJsonString();
    }

    Task<PortalResult<UploadedPriceSheet>> Upload(SignedInUser who, string name, string content) =>
        WithClient(audit => audit.UploadPriceSheetAsync(who, name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct));

    async Task<int> PriceSheetEventsAsync() =>
        (await traffic.Host.Events<PriceSheetPublished>()).Count + (await traffic.Host.Events<PriceSheetImported>()).Count;

    /// <summary>Lena, lead of "finance" (the traffic's team) with a password; "ads" is another team. Made once per fixture.</summary>
    async Task<(SignedInUser Lead, ClaimsPrincipal Principal)> LeadAsync()
    {
        await using var scope = traffic.Host.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IPortalAccounts>();
        var signIn = await accounts.SignInAsync("lena", LeadPassword, Ct);
        if (signIn.Principal is null)
        {
            await traffic.Host.AdminPost("/team/new", new { team_id = "ads" });
            var users = scope.ServiceProvider.GetRequiredService<IUsersClient>();
            var created = await users.CreateAsync(Admin, new NewPortalUser { UserId = "lena", Email = "lena@example.com", Teams = ["finance"] }, Ct);
            Assert.True(created.Succeeded, created.Refusal?.Message);
            Assert.True((await accounts.AcceptInvitationAsync(created.Value!.Token, LeadPassword, Ct)).Succeeded);
            signIn = await accounts.SignInAsync("lena", LeadPassword, Ct);
        }
        var lead = await accounts.ResolveAsync(signIn.Principal!, Ct);
        Assert.False(lead!.IsAdmin);
        return (lead, signIn.Principal!);
    }

    [Fact]
    public async Task an_uploaded_sheet_with_doubled_prices_doubles_the_recomputed_cost_exactly_and_is_not_published()
    {
        var active = traffic.Host.Services.GetRequiredService<ActivePriceSheet>();
        var before = await PriceSheetEventsAsync();

        var uploaded = await Upload(Admin, "contract.json", Doubled(active.Sheet));
        Assert.True(uploaded.Succeeded, uploaded.Refusal?.Message);
        var report = await WithClient(audit => audit.RunAsync(Admin, Period with { Prices = uploaded.Value!.Prices }, Ct));

        Assert.True(report.Succeeded, report.Refusal?.Message);
        var totals = report.Value!.Totals;
        Assert.Equal(traffic.Calls, totals.Requests);
        Assert.Equal(traffic.TotalCost, totals.RecordedCost);
        Assert.Equal(2 * traffic.TotalCost, totals.RecomputedCost);
        Assert.Equal(traffic.TotalCost, totals.Difference);
        Assert.All(report.Value.Rows, row => Assert.Equal(2 * row.RecordedCost, row.RecomputedCost));
        Assert.Equal(uploaded.Value!.Version, report.Value!.PriceSheetVersion);
        Assert.Equal("contract.json", uploaded.Value.FileName);
        Assert.Equal(active.Sheet.Models.Count, uploaded.Value.Models);
        // Recomputing is all it did: no sheet was imported or published, and the gateway still charges by its own.
        Assert.Equal(before, await PriceSheetEventsAsync());
        Assert.Same(active, traffic.Host.Services.GetRequiredService<ActivePriceSheet>());
    }

    [Fact]
    public async Task the_recorded_and_current_prices_recompute_to_what_was_recorded()
    {
        var recorded = await WithClient(audit => audit.RunAsync(Admin, Period, Ct));
        var current = await WithClient(audit => audit.RunAsync(Admin, Period with { Prices = AuditPrices.Current }, Ct));

        Assert.Equal((traffic.TotalCost, traffic.TotalCost, 0m), (recorded.Value!.Totals.RecordedCost, recorded.Value.Totals.RecomputedCost, recorded.Value.Totals.Difference));
        Assert.Null(recorded.Value.PriceSheetVersion);
        Assert.Equal(traffic.TotalCost, current.Value!.Totals.RecomputedCost);
        Assert.Equal(traffic.Host.Services.GetRequiredService<ActivePriceSheet>().Sheet.Version, current.Value.PriceSheetVersion);
    }

    [Fact]
    public async Task litellms_own_cost_map_is_read_and_a_bad_file_is_refused_with_a_reason()
    {
        var litellm = await Upload(Admin, "model_prices_and_context_window.json", """
            {
                "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0},
                "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                           "output_cost_per_token": 1e-05, "supports_vision": true, "supported_regions": ["global"]}
            }
            """);
        var notJson = await Upload(Admin, "notes.json", "these are not prices");
        var noModel = await Upload(Admin, "empty.json", "{}");
        var tooLarge = await WithClient(audit => audit.UploadPriceSheetAsync(Admin, "huge.json",
            new MemoryStream(new byte[AuditClient.MaxPriceFileBytes + 1]), Ct));

        Assert.True(litellm.Succeeded, litellm.Refusal?.Message);
        Assert.Equal(1, litellm.Value!.Models);
        Assert.Equal(RejectionKind.Invalid, notJson.Refusal?.Kind);
        Assert.StartsWith("'notes.json' is not a price sheet: The price sheet is not valid JSON", notJson.Refusal!.Message, StringComparison.Ordinal);
        Assert.StartsWith("'empty.json' prices no model", noModel.Refusal?.Message, StringComparison.Ordinal);
        Assert.StartsWith("'huge.json' is larger than 16 MB", tooLarge.Refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_sheet_this_gateway_does_not_hold_is_refused_rather_than_ignored()
    {
        var report = await WithClient(audit => audit.RunAsync(Admin, Period with { Prices = AuditPrices.Uploaded("0123456789abcdef") }, Ct));

        Assert.Equal(RejectionKind.NotFound, report.Refusal?.Kind);
        Assert.Contains("upload the file again", report.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task spend_as_of_counts_a_known_call_after_it_was_charged_and_not_before()
    {
        var calls = (await traffic.Host.Events<RequestCompleted>()).Where(c => c.TeamId == "finance").Select(c => (c.At, c.Cost))
            .Concat((await traffic.Host.Events<RequestFailed>()).Where(c => c.TeamId == "finance").Select(c => (c.At, c.Cost)))
            .OrderBy(c => c.At).ToList();
        var known = calls[2];
        var expectedBefore = calls.Where(c => c.At < known.At).ToList();

        var before = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Team, "finance", known.At.AddTicks(-10), Ct));
        var at = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Team, "finance", known.At, Ct));
        var byAlias = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Key, "billing", known.At, Ct));
        var byPlaintext = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Key, traffic.TeamKey, DateTimeOffset.UtcNow.AddMinutes(1), Ct));
        var customer = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Customer, "acme", DateTimeOffset.UtcNow.AddMinutes(1), Ct));

        Assert.Equal((expectedBefore.Sum(c => c.Cost), (long)expectedBefore.Count), (before.Value!.Spend, before.Value.Requests));
        Assert.Equal((expectedBefore.Sum(c => c.Cost) + known.Cost, expectedBefore.Count + 1L), (at.Value!.Spend, at.Value.Requests));
        Assert.Equal(known.At, at.Value.LastCallAt);
        Assert.Equal((at.Value.Spend, at.Value.Requests), (byAlias.Value!.Spend, byAlias.Value.Requests));
        Assert.Equal((traffic.TeamKeyCost, (long)calls.Count), (byPlaintext.Value!.Spend, byPlaintext.Value.Requests));
        Assert.DoesNotContain(traffic.TeamKey, byPlaintext.Value.Owner.Id, StringComparison.Ordinal);
        Assert.Equal(1, customer.Value!.Requests);
        Assert.True(customer.Value.Spend > 0);
    }

    [Fact]
    public async Task unknown_owners_are_named_as_unknown_and_a_secret_is_never_echoed()
    {
        var team = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Team, "nobody", DateTimeOffset.UtcNow, Ct));
        var key = await WithClient(audit => audit.SpendAsOfAsync(Admin, SpendOwnerKind.Key, "sk-secret-never-echoed", DateTimeOffset.UtcNow, Ct));
        var auditKey = await WithClient(audit => audit.RunAsync(Admin, Period with { Key = "sk-secret-never-echoed" }, Ct));

        Assert.Equal(RejectionKind.NotFound, team.Refusal?.Kind);
        Assert.Equal(RejectionKind.NotFound, key.Refusal?.Kind);
        Assert.Equal(RejectionKind.NotFound, auditKey.Refusal?.Kind);
        Assert.DoesNotContain("sk-secret-never-echoed", key.Refusal!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-never-echoed", auditKey.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_team_lead_audits_and_looks_up_their_team_and_is_refused_everything_else()
    {
        var (lead, _) = await LeadAsync();
        var now = DateTimeOffset.UtcNow.AddMinutes(1);

        var own = await WithClient(audit => audit.RunAsync(lead, Period with { TeamId = "finance" }, Ct));
        var ownKey = await WithClient(audit => audit.SpendAsOfAsync(lead, SpendOwnerKind.Key, "billing", now, Ct));
        var otherTeam = await WithClient(audit => audit.RunAsync(lead, Period with { TeamId = "ads" }, Ct));
        var everyTeam = await WithClient(audit => audit.RunAsync(lead, Period, Ct));
        var otherTeamSpend = await WithClient(audit => audit.SpendAsOfAsync(lead, SpendOwnerKind.Team, "ads", now, Ct));
        var teamlessKey = await WithClient(audit => audit.SpendAsOfAsync(lead, SpendOwnerKind.Key, "ops", now, Ct));
        var masterKey = await WithClient(audit => audit.SpendAsOfAsync(lead, SpendOwnerKind.Key, GatewayTestHost.MasterKeyHash, now, Ct));
        var customer = await WithClient(audit => audit.SpendAsOfAsync(lead, SpendOwnerKind.Customer, "acme", now, Ct));
        // Another team's key in the audit's key filter shows nothing: the lead's team filter stays.
        var otherKeyInOwnTeam = await WithClient(audit => audit.RunAsync(lead, Period with { TeamId = "finance", Key = "ops" }, Ct));

        Assert.Equal(traffic.TeamKeyCost, own.Value!.Totals.RecordedCost);
        Assert.Equal(traffic.TeamKeyCost, ownKey.Value!.Spend);
        Assert.Equal(RejectionKind.Forbidden, otherTeam.Refusal?.Kind);
        Assert.Equal("You do not lead team ads, so you cannot audit it.", otherTeam.Refusal!.Message);
        Assert.Equal(RejectionKind.Invalid, everyTeam.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, otherTeamSpend.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, teamlessKey.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, masterKey.Refusal?.Kind);
        Assert.Equal(RejectionKind.Forbidden, customer.Refusal?.Kind);
        Assert.Equal(0, otherKeyInOwnTeam.Value!.Totals.Requests);
    }

    /// <summary>The portal's cookie for <paramref name="principal"/>, sealed exactly as signing in seals it.</summary>
    string CookieFor(ClaimsPrincipal principal)
    {
        var options = traffic.Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalAuthentication.Scheme);
        return $"{PortalAuthentication.CookieName}={options.TicketDataFormat.Protect(new AuthenticationTicket(principal, PortalAuthentication.Scheme))}";
    }

    Task<IScenarioResult> Download(string path, string? cookie) => traffic.Host.Scenario(s =>
    {
        s.Get.Url(path);
        if (cookie is not null)
            s.WithRequestHeader("Cookie", cookie);
        s.IgnoreStatusCode();
    });

    [Fact]
    public async Task the_csv_download_is_the_audit_the_page_shows_and_refuses_a_team_lead_another_team()
    {
        var (lead, principal) = await LeadAsync();
        var cookie = CookieFor(principal);
        var own = Period with { TeamId = "finance" };

        var csv = await Download(own.DownloadPath, cookie);
        var refused = await Download((Period with { TeamId = "ads" }).DownloadPath, cookie);
        var everyTeam = await Download(Period.DownloadPath, cookie);
        var anonymous = await Download(own.DownloadPath, cookie: null);
        var badLink = await Download(AuditDownload.Path + "?from=yesterday&to=today", cookie);

        Assert.Equal(200, csv.Context.Response.StatusCode);
        Assert.StartsWith("text/csv", csv.Context.Response.ContentType, StringComparison.Ordinal);
        Assert.Contains($"filename={own.FileName}", csv.Context.Response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        var report = await WithClient(audit => audit.RunAsync(lead, own, Ct));
        Assert.Equal(AuditReportFormats.Csv(report.Value!), await csv.ReadAsTextAsync());
        Assert.Equal(403, refused.Context.Response.StatusCode);
        Assert.Equal("You do not lead team ads, so you cannot audit it.", await refused.ReadAsTextAsync());
        Assert.Equal(400, everyTeam.Context.Response.StatusCode);
        Assert.Equal(302, anonymous.Context.Response.StatusCode);
        Assert.Contains("/ui/signin", anonymous.Context.Response.Headers.Location.ToString(), StringComparison.Ordinal);
        Assert.Equal(400, badLink.Context.Response.StatusCode);
    }

    [Fact]
    public async Task an_admins_csv_download_recomputes_with_the_uploaded_sheet_to_the_last_decimal()
    {
        await using var scope = traffic.Host.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IPortalAccounts>();
        var adminSignIn = await accounts.SignInAsync("admin", GatewayTestHost.MasterKey, Ct);
        Assert.NotNull(adminSignIn.Principal);
        var uploaded = await Upload(Admin, "contract.json", Doubled(traffic.Host.Services.GetRequiredService<ActivePriceSheet>().Sheet));

        var csv = await Download((Period with { Prices = uploaded.Value!.Prices }).DownloadPath, CookieFor(adminSignIn.Principal!));

        Assert.Equal(200, csv.Context.Response.StatusCode);
        var lines = (await csv.ReadAsTextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        static decimal Column(string[] line, int i) => decimal.Parse(line[i], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(traffic.TotalCost, lines.Sum(l => Column(l, 8)));
        Assert.Equal(2 * traffic.TotalCost, lines.Sum(l => Column(l, 9)));
        Assert.All(lines, l => Assert.Equal(2 * Column(l, 8), Column(l, 9)));
    }
}
