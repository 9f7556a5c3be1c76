using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Pricing;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Components.Display;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// The auditor's two questions in a real browser: what a team spent, and what it would have cost under other prices
/// (an uploaded sheet, here every price doubled), to the last decimal; and what it had spent at a moment.
/// </summary>
public sealed class AuditJourneyTests(PostgresFixture postgres, Chromium chromium) : IAsyncLifetime
{
    const string LeadPassword = "lena's long portal password";
    PortalGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "finance" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads" }, ct);
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    static string Moment(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    static DateTimeOffset WholeSecond(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));

    /// <summary>The gateway's own sheet with every price doubled, written as LiteLLM's cost map.</summary>
    string DoubledSheetFile()
    {
        var sheet = _gateway.Services.GetRequiredService<ActivePriceSheet>().Sheet;
        var json = JsonNode.Parse(sheet.ToLiteLlmJson())!.AsObject();
        foreach (var (_, entry) in json)
        {
            foreach (var field in entry!.AsObject().Where(f => f.Key.Contains("cost", StringComparison.Ordinal)).ToList())
                entry[field.Key] = JsonValue.Create(field.Value!.GetValue<decimal>() * 2);
        }
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "audit-" + Guid.NewGuid().ToString("N"))).FullName;
        var path = Path.Combine(directory, "contract.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    async Task<decimal> CallAsync(string key, CancellationToken ct)
    {
        using var answer = await _gateway.ChatAsync(key, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return decimal.Parse(answer.Headers.GetValues("x-litellm-response-cost").Single(), CultureInfo.InvariantCulture);
    }

    async Task LookUpAsync(PortalBrowser browser, string moment)
    {
        await browser.Field("asof-moment").FillAsync(moment);
        await browser.Field("asof-moment").BlurAsync();
        await browser.Page.GetByTestId("asof-run").ClickAsync();
    }

    [Fact]
    public async Task an_admin_recomputes_a_teams_spend_with_an_uploaded_sheet_and_looks_up_its_spend_before_and_after_a_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = (await _gateway.AdminPostAsync("/key/generate", new { key_alias = "checkout", team_id = "finance" }, ct)).GetProperty("key").GetString()!;
        var beforeTheCall = WholeSecond(DateTimeOffset.UtcNow).AddSeconds(-1);
        var cost = await CallAsync(key, ct);
        var afterTheCall = WholeSecond(DateTimeOffset.UtcNow).AddSeconds(2);
        await _gateway.SpendRecordedAsync();
        var sheetFile = DoubledSheetFile();

        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;
        await browser.SignInAsync("admin", PortalGateway.MasterKey, "/ui/audit");

        // The question: what did team finance spend, and what would it have cost under the contract's prices?
        await browser.Field("audit-team").FillAsync("finance");
        await browser.Field("audit-team").BlurAsync();
        await browser.UploadAsync("audit-upload-button", sheetFile);
        await Expect(page.GetByTestId("audit-uploaded")).ToContainTextAsync("contract.json");
        await page.GetByTestId("audit-run").ClickAsync();

        await Expect(page.GetByTestId("audit-requests")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("audit-recorded")).ToHaveTextAsync(Money.Exact(cost));
        await Expect(page.GetByTestId("audit-recomputed")).ToHaveTextAsync(Money.Exact(2 * cost));
        await Expect(page.GetByTestId("audit-difference")).ToHaveTextAsync(Money.Exact(cost));
        await Expect(page.GetByTestId("audit-sheet")).ToContainTextAsync("(contract.json, uploaded)");
        await Expect(page.GetByTestId("audit-rows")).ToContainTextAsync("checkout");
        await browser.ScreenshotAsync("admin-audit-with-an-uploaded-sheet");

        // The CSV holds the same figures, every digit.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-csv").ClickAsync());
        var csv = (await File.ReadAllTextAsync((await download.PathAsync())!, ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Gateway.Domain.Audit.AuditReportFormats.CsvHeader, csv[0]);
        var row = Assert.Single(csv.Skip(1)).Split(',');
        Assert.Equal(("checkout", "finance"), (row[2], row[3]));
        Assert.Equal(cost, decimal.Parse(row[8], CultureInfo.InvariantCulture));
        Assert.Equal(2 * cost, decimal.Parse(row[9], CultureInfo.InvariantCulture));

        // Uploading changed nothing the gateway charges by: the next call costs what the first did.
        Assert.Equal(cost, await CallAsync(key, ct));

        // As of a moment before the call, finance had spent nothing; after it, that call.
        await browser.Field("asof-owner").FillAsync("finance");
        await LookUpAsync(browser, Moment(beforeTheCall));
        await Expect(page.GetByTestId("asof-spend")).ToHaveTextAsync("$0.00");
        await Expect(page.GetByTestId("asof-requests")).ToHaveTextAsync("0");
        await LookUpAsync(browser, Moment(afterTheCall));
        await Expect(page.GetByTestId("asof-spend")).ToHaveTextAsync(Money.Exact(cost));
        await Expect(page.GetByTestId("asof-requests")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("asof-result")).ToContainTextAsync($"as of {Moment(afterTheCall)}");

        // The same by the key's alias.
        await page.GetByTestId("asof-kind").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Key" }).ClickAsync();
        await browser.Field("asof-owner").FillAsync("checkout");
        await LookUpAsync(browser, Moment(afterTheCall));
        await Expect(page.GetByTestId("asof-result")).ToContainTextAsync("Key checkout had spent");
        await Expect(page.GetByTestId("asof-spend")).ToHaveTextAsync(Money.Exact(cost));
        await browser.ScreenshotAsync("admin-spend-as-of-a-moment");
    }

    [Fact]
    public async Task a_bad_price_file_is_refused_with_the_reason()
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "audit-" + Guid.NewGuid().ToString("N"))).FullName, "notes.json");
        await File.WriteAllTextAsync(path, "these are not prices", TestContext.Current.CancellationToken);

        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        await browser.SignInAsync("admin", PortalGateway.MasterKey, "/ui/audit");
        await browser.UploadAsync("audit-upload-button", path);

        await Expect(browser.Page.GetByTestId("audit-upload-problem")).ToContainTextAsync("'notes.json' is not a price sheet");
        await Expect(browser.Page.GetByTestId("audit-uploaded")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("audit-bad-price-file");
    }

    [Fact]
    public async Task a_team_lead_audits_their_team_and_is_refused_another_teams_csv_and_spend()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = (await _gateway.AdminPostAsync("/key/generate", new { key_alias = "ledger", team_id = "finance" }, ct)).GetProperty("key").GetString()!;
        var cost = await CallAsync(key, ct);
        await _gateway.SpendRecordedAsync();
        await using (var scope = _gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<IUsersClient>();
            var created = await users.CreateAsync(SignedInUser.Admin("admin"), new NewPortalUser { UserId = "lena", Teams = ["finance"] }, ct);
            Assert.True(created.Succeeded, created.Refusal?.Message);
            var accepted = await scope.ServiceProvider.GetRequiredService<IPortalAccounts>().AcceptInvitationAsync(created.Value!.Token, LeadPassword, ct);
            Assert.True(accepted.Succeeded, accepted.Refusal?.Message);
        }

        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;
        await browser.SignInAsync("lena", LeadPassword, "/ui/audit");
        await page.GetByTestId("audit-run").ClickAsync();
        await Expect(page.GetByTestId("audit-recorded")).ToHaveTextAsync(Money.Exact(cost));

        // A download link edited to name another team: the server refuses it.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var forged = new AuditRequest(today, today) { TeamId = "ads" }.DownloadPath;
        var refused = await page.APIRequest.GetAsync(forged);
        Assert.Equal(403, refused.Status);
        Assert.Equal("You do not lead team ads, so you cannot audit it.", await refused.TextAsync());
        var own = await page.APIRequest.GetAsync(new AuditRequest(today, today) { TeamId = "finance" }.DownloadPath);
        Assert.Equal(200, own.Status);
        Assert.Contains(",ledger,finance,", await own.TextAsync(), StringComparison.Ordinal);

        await browser.Field("asof-owner").FillAsync("ads");
        await page.GetByTestId("asof-run").ClickAsync();
        await Expect(page.GetByTestId("asof-problem")).ToHaveTextAsync("You do not lead team ads, so you cannot see its spend.");
        await browser.ScreenshotAsync("team-lead-refused-another-teams-spend");
    }
}
