namespace Gateway.Api.Events;

/// <summary>
/// How far the <see cref="EventFeed"/> has read the store, and a hold that keeps it there. Budget seeds read the spend
/// recorded up to this position while the feed stands still, so each call is counted once: by the seed if the feed
/// had passed it, else by the feed afterwards. Work the feed itself starts (a key first seen in the feed) runs at once.
/// </summary>
public sealed class FeedPosition
{
    static readonly AsyncLocal<bool> InsideHold = new();
    readonly SemaphoreSlim _hold = new(1, 1);
    long _sequence;

    /// <summary>Whether the current flow runs inside a hold (the feed's own work, or a seed).</summary>
    public static bool Holding => InsideHold.Value;

    /// <summary>The last sequence number taken in.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    internal void MoveTo(long sequence) => Interlocked.Exchange(ref _sequence, sequence);

    public async Task HoldAsync(Func<long, Task> work, CancellationToken ct)
    {
        if (InsideHold.Value)
        {
            await work(Sequence);
            return;
        }
        await _hold.WaitAsync(ct);
        try
        {
            InsideHold.Value = true; // flows into work, and is undone for the caller when this method returns
            await work(Sequence);
        }
        finally
        {
            _hold.Release();
        }
    }
}
