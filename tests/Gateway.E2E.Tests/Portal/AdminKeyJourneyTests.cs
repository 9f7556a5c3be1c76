using Gateway.Api.Tests.Infrastructure;
using System.Net;
using Gateway.E2E.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.E2E.Tests.Portal;

/// <summary>The admin's day one, in a real browser against the real gateway: sign in, issue a key, use it, see its spend.</summary>
public sealed class AdminKeyJourneyTests(PostgresFixture postgres, Chromium chromium) : IAsyncLifetime
{
    PortalGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await PortalGateway.StartAsync(postgres);

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task an_admin_issues_a_key_in_the_portal_and_the_key_answers_on_the_api()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;

        await browser.SignInAsync("admin", PortalGateway.MasterKey, "/ui/keys");
        await Expect(page.GetByTestId("no-keys")).ToBeVisibleAsync();

        await page.GetByTestId("issue-key").ClickAsync();
        await browser.Field("key-alias").FillAsync("checkout-service");
        await browser.Field("key-max-budget").FillAsync("5");
        await page.GetByTestId("issue-submit").ClickAsync();
        var plaintext = await browser.Field("key-plaintext").InputValueAsync();
        await browser.ScreenshotAsync("admin-issued-key-shown-once");
        await page.GetByTestId("issue-done").ClickAsync();

        Assert.StartsWith("sk-", plaintext);
        await Expect(page.GetByTestId("key-link")).ToHaveTextAsync("checkout-service");
        await Expect(page.GetByTestId("key-plaintext")).ToHaveCountAsync(0);

        using var answer = await _gateway.ChatAsync(plaintext, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        await _gateway.SpendRecordedAsync();
        await page.GetByTestId("key-link").ClickAsync();
        await Expect(page.GetByTestId("key-title")).ToHaveTextAsync("checkout-service");
        await Expect(page.GetByTestId("key-lifetime-spend")).ToContainTextAsync("over 1 request");
        await Expect(page.GetByTestId("key-lifetime-spend")).Not.ToContainTextAsync("$0.00 in all");
        await Expect(page.GetByTestId("history-entry")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("history-entry")).ToContainTextAsync("admin (portal)");
        await browser.ScreenshotAsync("admin-key-details-with-spend");

        await browser.GoToAsync("/ui/usage");
        await Expect(page.GetByTestId("usage-total")).ToContainTextAsync("over 1 call");
        await Expect(page.GetByTestId("usage-by-key")).ToContainTextAsync("checkout-service");
        await Expect(page.GetByTestId("usage-by-model")).ToContainTextAsync("mock-gpt");
        await Expect(page.GetByTestId("usage-chart").Locator("svg")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("admin-usage-with-the-new-key");

        await browser.GoToAsync("/ui/logs");
        await Expect(page.GetByTestId("logs-grid").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("logs-grid")).ToContainTextAsync("checkout-service");
        await Expect(page.GetByTestId("logs-grid")).ToContainTextAsync("mock-gpt");

        await browser.GoToAsync("/ui/audit");
        await page.GetByTestId("audit-run").ClickAsync();
        await Expect(page.GetByTestId("audit-totals")).ToContainTextAsync("$0.000014");
        await Expect(page.GetByTestId("audit-difference")).ToHaveTextAsync("$0.00");
        await Expect(page.GetByTestId("audit-verdict")).ToContainTextAsync("hold exactly what the calls recorded");
        await browser.ScreenshotAsync("admin-audit");

        await browser.GoToAsync("/ui");
        await Expect(page.GetByTestId("spend-today")).Not.ToHaveTextAsync("$0.00");
        await Expect(page.GetByTestId("top-keys")).ToContainTextAsync("checkout-service");
        await browser.ScreenshotAsync("admin-overview");
    }

    [Fact]
    public async Task signing_out_ends_the_session_and_the_pages_ask_to_sign_in_again()
    {
        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;
        await browser.SignInAsync("admin", PortalGateway.MasterKey);

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync("**/ui/signin");
        await page.GotoAsync("/ui/keys");

        await page.WaitForURLAsync("**/ui/signin?ReturnUrl=%2Fui%2Fkeys");
        await Expect(page.GetByTestId("sign-in-form")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task a_wrong_password_keeps_the_visitor_on_the_sign_in_page_with_a_reason()
    {
        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;

        await page.GotoAsync("/ui/signin");
        await page.GetByTestId("username").FillAsync("admin");
        await page.GetByTestId("password").FillAsync("not the master key");
        await page.GetByTestId("sign-in-button").ClickAsync();

        await Expect(page.GetByTestId("sign-in-problem")).ToHaveTextAsync("The username or password is not right.");
        await browser.ScreenshotAsync("sign-in-refused");
        await page.GotoAsync("/ui");
        await page.WaitForURLAsync("**/ui/signin?ReturnUrl=%2Fui");
    }
}
