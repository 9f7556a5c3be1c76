using Microsoft.Playwright;

namespace Gateway.E2E.Tests.Infrastructure;

/// <summary>One person's browser on the portal: its own cookies, one tab, screenshots saved with the test results.</summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    readonly IBrowserContext _context;
    readonly Uri _baseUrl;

    PortalBrowser(IBrowserContext context, IPage page, Uri baseUrl)
    {
        _context = context;
        Page = page;
        _baseUrl = baseUrl;
    }

    public IPage Page { get; }

    /// <summary>Where screenshots go: TestResults/screenshots beside the test assembly (the test run's results folder).</summary>
    public static string ScreenshotDirectory { get; } =
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public static async Task<PortalBrowser> OpenAsync(Chromium chromium, PortalGateway gateway)
    {
        var browser = await chromium.BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = gateway.BaseUrl.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new PortalBrowser(context, page, gateway.BaseUrl);
    }

    /// <summary>Signs in through the sign-in form and waits until the page it lands on is interactive.</summary>
    public async Task SignInAsync(string username, string password, string returnTo = "/ui")
    {
        await Page.GotoAsync($"/ui/signin?ReturnUrl={Uri.EscapeDataString(returnTo)}");
        await Page.GetByTestId("username").FillAsync(username);
        await Page.GetByTestId("password").FillAsync(password);
        await Page.GetByTestId("sign-in-button").ClickAsync();
        await Page.WaitForURLAsync(new Uri(_baseUrl, returnTo).ToString());
        await InteractiveAsync();
    }

    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await InteractiveAsync();
    }

    /// <summary>
    /// Blazor Server prerenders first and attaches the circuit after; a click before that does nothing. The app bar's
    /// buttons are enabled only by an interactive render, so their enabled state says the circuit is up.
    /// </summary>
    public Task InteractiveAsync() => Page.Locator("[data-testid=dark-mode-toggle]:not([disabled])").WaitForAsync();

    /// <summary>
    /// Uploads a file the way a person does: clicks the page's upload button (enabled only by an interactive render)
    /// and answers the file chooser it opens. Setting the hidden input's files directly races Blazor's InputFile,
    /// which attaches its change listener after the first interactive render; a change before that is lost.
    /// </summary>
    public async Task UploadAsync(string buttonTestId, string path)
    {
        var button = Page.Locator($"[data-testid={buttonTestId}]:not([disabled])");
        var chooser = await Page.RunAndWaitForFileChooserAsync(() => button.ClickAsync());
        await chooser.SetFilesAsync(path);
    }

    /// <summary>A MudBlazor text or number field by its data-testid (MudBlazor puts the attribute on the input itself).</summary>
    public ILocator Field(string testId) => Page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>The page as the test left it, passed or failed, named after the test.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var test = TestContext.Current.TestMethod?.MethodName ?? "test";
            await ScreenshotAsync("last-" + test);
        }
        catch (PlaywrightException)
        {
            // A page that is gone has nothing to show.
        }
        await _context.DisposeAsync();
    }
}
