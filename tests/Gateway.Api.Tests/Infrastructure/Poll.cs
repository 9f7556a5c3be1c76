namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// Waits for what happens in the background (the event feed, the daemon, another process, an upstream): checks a
/// condition every <c>every</c> until it holds, and fails the test naming what did not happen by the deadline.
/// </summary>
public static class Poll
{
    static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(50);

    public static Task Until(Func<bool> condition, string what, TimeSpan within, TimeSpan? every = null) =>
        Until(() => Task.FromResult(condition()), what, within, every);

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan within, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {within.TotalSeconds:0.#} s");
            await Task.Delay(every ?? DefaultEvery, TestContext.Current.CancellationToken);
        }
    }
}
