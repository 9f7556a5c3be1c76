using Gateway.Api.Tests.Infrastructure;
using System.Net;
using System.Text.Json;
using Gateway.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// An admin adds a model in the portal pointing at an OpenAI-compatible server, and the gateway serves it from the next
/// call, with no restart; its key is never shown again; removing it stops it at once.
/// </summary>
public sealed class AdminModelJourneyTests(PostgresFixture postgres, Chromium chromium) : IAsyncLifetime
{
    const string UpstreamKey = "sk-e2e-upstream-secret-5150";
    PortalGateway _gateway = null!;
    FakeOpenAI _upstream = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAI.StartAsync();
        _gateway = await PortalGateway.StartAsync(postgres);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task an_admin_adds_a_model_in_the_portal_and_the_api_answers_from_it_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var browser = await PortalBrowser.OpenAsync(chromium, _gateway);
        var page = browser.Page;

        await browser.SignInAsync("admin", PortalGateway.MasterKey, "/ui/models");
        await Expect(page.GetByTestId("model-name").First).ToHaveTextAsync("mock-embedding");
        using (var before = await _gateway.ChatAsync(PortalGateway.MasterKey, ct, model: "portal-gpt"))
            Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);

        await page.GetByTestId("add-model").ClickAsync();
        await browser.Field("model-name-field").FillAsync("portal-gpt");
        await browser.Field("model-upstream").FillAsync("fake-model");
        await browser.Field("model-api-base").FillAsync(_upstream.BaseUrl.ToString());
        await browser.Field("model-api-key").FillAsync(UpstreamKey);
        await browser.Field("model-input-cost").FillAsync("0.5");
        await browser.ScreenshotAsync("admin-adds-a-model");
        await page.GetByTestId("model-submit").ClickAsync();

        await Expect(page.GetByTestId("model-dialog")).ToHaveCountAsync(0);
        var row = page.GetByTestId("models-grid").Locator("tbody tr", new() { HasText = "portal-gpt" });
        await Expect(row).ToContainTextAsync("database");
        await Expect(row).ToContainTextAsync(_upstream.BaseUrl.ToString());
        await Expect(row).ToContainTextAsync("$0.50 in");
        await browser.ScreenshotAsync("admin-model-added");

        using (var answer = await _gateway.ChatAsync(PortalGateway.MasterKey, ct, model: "portal-gpt"))
        {
            var body = await answer.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("Hello from the fake upstream!",
                JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
        Assert.Equal($"Bearer {UpstreamKey}", Assert.Single(_upstream.Requests).Headers["authorization"]);

        await row.GetByTestId("model-edit").ClickAsync();
        await Expect(browser.Field("model-api-key")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("model-dialog")).ToContainTextAsync("Leave empty to keep it");
        Assert.DoesNotContain(UpstreamKey, await page.ContentAsync());
        await page.GetByTestId("model-cancel").ClickAsync();
        await Expect(page.GetByTestId("model-dialog")).ToHaveCountAsync(0);

        await row.GetByTestId("model-remove").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("stops being served at once");
        await page.Locator(".mud-dialog .mud-message-box__yes-button").ClickAsync();
        await Expect(page.GetByTestId("models-grid").Locator("tbody tr", new() { HasText = "portal-gpt" })).ToHaveCountAsync(0);
        using (var after = await _gateway.ChatAsync(PortalGateway.MasterKey, ct, model: "portal-gpt"))
            Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
        await browser.ScreenshotAsync("admin-model-removed");
    }
}
