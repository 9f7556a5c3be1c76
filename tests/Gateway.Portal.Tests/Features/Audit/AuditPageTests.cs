using Bunit;
using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Portal.Features.Audit;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Audit;

public sealed class AuditPageTests : PortalTestContext
{
    IRenderedComponent<AuditPage> RenderPage(Gateway.Portal.Features.Access.SignedInUser user)
    {
        Render<MudPopoverProvider>();
        return Render<AuditPage>(p => p.AddCascadingValue(user));
    }

    static void Upload(IRenderedComponent<AuditPage> page, string json, string name = "contract.json") =>
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(json, name));

    [Fact]
    public void a_team_lead_audits_their_team_this_month_with_recorded_prices()
    {
        var page = RenderPage(LeadOfSearch);

        page.Find("[data-testid=audit-run]").Click();

        var run = Assert.Single(Audit.Runs);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(new DateOnly(today.Year, today.Month, 1), run.From);
        Assert.Equal(today, run.To);
        Assert.Equal("search", run.TeamId);
        Assert.Null(run.Key);
        Assert.Equal(AuditPrices.Recorded, run.Prices);
    }

    [Fact]
    public void the_report_shows_exact_totals_rows_a_verdict_and_a_csv_download_of_the_same_audit()
    {
        var page = RenderPage(Admin);
        page.Find("input[data-testid=audit-key]").Change("checkout");

        page.Find("[data-testid=audit-run]").Click();

        // Never rounded: every digit of the recorded cost is on the page.
        Assert.Equal("$0.000123456789012345", page.Find("[data-testid=audit-recorded]").TextContent.Trim());
        Assert.Equal("$0.000123456789012345", page.Find("[data-testid=audit-recomputed]").TextContent.Trim());
        Assert.Equal("$0.00", page.Find("[data-testid=audit-difference]").TextContent.Trim());
        Assert.Contains("1 rows of the rollups differ", page.Find("[data-testid=audit-verdict]").TextContent);
        Assert.Contains("the prices each call recorded", page.Find("[data-testid=audit-sheet]").TextContent);
        Assert.Contains("checkout", page.Find("[data-testid=audit-rows]").TextContent);
        Assert.Contains("$0.000123456789012345", page.Find("[data-testid=audit-rows]").TextContent);
        var run = Assert.Single(Audit.Runs);
        Assert.Null(run.TeamId);
        Assert.Equal("checkout", run.Key);
        var csv = page.Find("[data-testid=audit-csv]");
        Assert.Equal(run.DownloadPath, csv.GetAttribute("href"));
        Assert.StartsWith("/ui/audit/csv?from=", csv.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("key=checkout", csv.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal(run.FileName, csv.GetAttribute("download"));
    }

    [Fact]
    public void a_plaintext_key_in_the_filter_travels_in_the_download_link_as_its_hash()
    {
        const string secret = "sk-a-secret-that-must-stay-out-of-urls";
        var page = RenderPage(Admin);
        page.Find("input[data-testid=audit-key]").Change(secret);

        page.Find("[data-testid=audit-run]").Click();

        var href = page.Find("[data-testid=audit-csv]").GetAttribute("href")!;
        Assert.DoesNotContain(secret, href, StringComparison.Ordinal);
        Assert.Contains("key=" + Gateway.Domain.Keys.KeyPlaintext.Hash(secret), href, StringComparison.Ordinal);
    }

    [Fact]
    public void an_uploaded_sheet_is_chosen_and_the_audit_recomputes_with_it()
    {
        var page = RenderPage(Admin);

        Upload(page, """{"gpt-4o": {"input_cost_per_token": 0.000005, "output_cost_per_token": 0.00002}}""");
        page.Find("[data-testid=audit-run]").Click();

        var (name, content) = Assert.Single(Audit.Uploads);
        Assert.Equal("contract.json", name);
        Assert.Contains("0.000005", content, StringComparison.Ordinal);
        Assert.Contains("contract.json", page.Find("[data-testid=audit-uploaded]").TextContent);
        Assert.Contains("c0ffee0123456789", page.Find("[data-testid=audit-uploaded]").TextContent);
        Assert.Equal(AuditPrices.Uploaded("c0ffee0123456789"), Assert.Single(Audit.Runs).Prices);
        Assert.Equal("$0.00024691357802469", page.Find("[data-testid=audit-recomputed]").TextContent.Trim());
        Assert.Equal("$0.000123456789012345", page.Find("[data-testid=audit-difference]").TextContent.Trim());
        Assert.Contains("c0ffee0123456789 (contract.json, uploaded)", page.Find("[data-testid=audit-sheet]").TextContent);
        Assert.Contains("prices=sheet%3Ac0ffee0123456789", page.Find("[data-testid=audit-csv]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void a_file_that_is_not_a_price_sheet_is_refused_with_the_reason_and_nothing_changes()
    {
        Audit.UploadRefusal = new Rejection(RejectionKind.Invalid, "'notes.json' is not a price sheet: The price sheet is not valid JSON (line 1, byte 1)");
        var page = RenderPage(Admin);

        Upload(page, "hello", "notes.json");
        page.Find("[data-testid=audit-run]").Click();

        Assert.Contains("'notes.json' is not a price sheet", page.Find("[data-testid=audit-upload-problem]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=audit-uploaded]"));
        Assert.Equal(AuditPrices.Recorded, Assert.Single(Audit.Runs).Prices);
    }

    [Fact]
    public void the_sheet_the_gateway_charges_by_can_be_chosen()
    {
        var page = RenderPage(Admin);

        page.Find("[data-testid=audit-prices-current]").Click();
        page.Find("[data-testid=audit-run]").Click();

        Assert.Equal(AuditPrices.Current, Assert.Single(Audit.Runs).Prices);
    }

    [Fact]
    public void a_refused_audit_says_why_and_shows_no_report()
    {
        Audit.RunRefusal = new Rejection(RejectionKind.Forbidden, "You do not lead team ads, so you cannot audit it.");
        var page = RenderPage(LeadOfSearch);

        page.Find("[data-testid=audit-run]").Click();

        Assert.Equal("You do not lead team ads, so you cannot audit it.", page.Find("[data-testid=audit-problem]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=audit-totals]"));
        Assert.Empty(page.FindAll("[data-testid=audit-csv]"));
    }

    [Fact]
    public void spend_as_of_a_moment_shows_the_exact_spend_and_the_number_of_calls()
    {
        var page = RenderPage(LeadOfSearch);
        page.Find("input[data-testid=asof-moment]").Change("2026-10-31T23:59:59Z");

        page.Find("[data-testid=asof-run]").Click();

        var (kind, owner, asOf) = Assert.Single(Audit.Lookups);
        Assert.Equal(SpendOwnerKind.Team, kind);
        Assert.Equal("search", owner);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero), asOf);
        Assert.Equal("$0.00004200000000017", page.Find("[data-testid=asof-spend]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=asof-requests]").TextContent.Trim());
        Assert.Contains("as of 2026-10-31T23:59:59Z", page.Find("[data-testid=asof-result]").TextContent);
    }

    [Fact]
    public void a_moment_that_is_not_one_is_refused_before_any_lookup()
    {
        var page = RenderPage(Admin);
        page.Find("input[data-testid=asof-owner]").Change("finance");
        page.Find("input[data-testid=asof-moment]").Change("last tuesday");

        page.Find("[data-testid=asof-run]").Click();

        Assert.Contains("'last tuesday' is not a moment", page.Find("[data-testid=asof-problem]").TextContent);
        Assert.Empty(Audit.Lookups);
        Assert.Empty(page.FindAll("[data-testid=asof-result]"));
    }

    [Fact]
    public void a_refused_lookup_says_why()
    {
        Audit.LookupRefusal = new Rejection(RejectionKind.Forbidden, "You do not lead team ads, so you cannot see its spend.");
        var page = RenderPage(LeadOfSearch);
        page.Find("input[data-testid=asof-owner]").Change("ads");

        page.Find("[data-testid=asof-run]").Click();

        Assert.Equal("You do not lead team ads, so you cannot see its spend.", page.Find("[data-testid=asof-problem]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=asof-result]"));
    }

    [Fact]
    public void the_buttons_wait_for_the_circuit()
    {
        RenderAsPrerendered();
        var page = RenderPage(Admin);

        Assert.True(page.Find("[data-testid=audit-run]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=asof-run]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=audit-upload-button]").HasAttribute("disabled"));
    }
}
