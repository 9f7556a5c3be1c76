using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Gateway.E2E.Tests.Infrastructure.Chromium))]

namespace Gateway.E2E.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>) driven headless by Playwright; Playwright's own browser download is
/// never used. Launched once, on first use. Without it the browser tests fail in CI (CI set) and skip elsewhere,
/// saying what to install either way.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Debian's Chromium; CHROMIUM_PATH names another build of Chromium.</summary>
    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    readonly SemaphoreSlim _launch = new(1, 1);
    IPlaywright? _playwright;
    IBrowser? _browser;

    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async Task<IBrowser> BrowserAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            var message = $"Chromium is not installed at {ExecutablePath}; the portal's browser tests need it. "
                + "Install Debian's package: apt-get install -y chromium (.ci/run does this on a fresh machine).";
            if (InCi)
                Assert.Fail(message);
            Assert.Skip(message);
        }

        await _launch.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                });
            }
            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        _launch.Dispose();
    }
}
