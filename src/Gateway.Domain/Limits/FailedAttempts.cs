using System.Collections.Concurrent;

namespace Gateway.Domain.Limits;

/// <summary>
/// Failed attempts per client in fixed windows: once a client has failed <see cref="FailedAttemptLimit.Attempts"/>
/// times in a window it is refused until the window ends. Only failures are recorded, so a client that succeeds costs
/// one dictionary lookup (none while no one has failed). Memory is bounded: at most
/// <see cref="FailedAttemptLimit.MaxTracked"/> clients are counted at once, the previous windows' counts are dropped
/// when a new window starts, and a flood of new clients beyond the bound goes uncounted (and is reported) rather than
/// growing the table.
/// </summary>
public sealed class FailedAttempts<TKey>(FailedAttemptLimit limit, TimeProvider time) where TKey : notnull
{
    sealed class Count(long window)
    {
        public long Window = window;
        public int Failures;
    }

    readonly ConcurrentDictionary<TKey, Count> _counts = new();
    readonly long _windowTicks = Math.Max(1, limit.Window.Ticks);
    int _tracked;
    long _sweptWindow;
    long _untracked;

    public FailedAttemptLimit Limit => limit;

    /// <summary>Clients counted now (at most <see cref="FailedAttemptLimit.MaxTracked"/>).</summary>
    public int Tracked => Volatile.Read(ref _tracked);

    /// <summary>Failures not counted because the table was full: a sign of a flood from very many addresses.</summary>
    public long Untracked => Interlocked.Read(ref _untracked);

    /// <summary>Whether <paramref name="client"/> has used up its failures in this window, and how long until it may try again.</summary>
    public bool IsRefused(TKey client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limit.IsOff || Volatile.Read(ref _tracked) == 0 || !_counts.TryGetValue(client, out var count))
            return false;
        var now = time.GetUtcNow().UtcTicks;
        var window = now / _windowTicks;
        if (Volatile.Read(ref count.Window) != window || Volatile.Read(ref count.Failures) < limit.Attempts)
            return false;
        retryAfter = TimeSpan.FromTicks((window + 1) * _windowTicks - now);
        return true;
    }

    /// <summary>Counts a failure; true when this one used up the client's last attempt (it is refused from now on).</summary>
    public bool Record(TKey client)
    {
        if (limit.IsOff)
            return false;
        var window = time.GetUtcNow().UtcTicks / _windowTicks;
        if (Interlocked.Read(ref _sweptWindow) != window)
            Sweep(window);

        Count? count;
        while (!_counts.TryGetValue(client, out count))
        {
            if (Volatile.Read(ref _tracked) >= limit.MaxTracked)
            {
                Interlocked.Increment(ref _untracked);
                return false;
            }
            var fresh = new Count(window);
            if (_counts.TryAdd(client, fresh))
            {
                Interlocked.Increment(ref _tracked);
                count = fresh;
                break;
            }
        }

        lock (count)
        {
            if (count.Window != window)
            {
                count.Failures = 0;
                Volatile.Write(ref count.Window, window);
            }
            count.Failures++;
            return count.Failures == limit.Attempts;
        }
    }

    /// <summary>Once per window, the first failure drops the counts of earlier windows.</summary>
    void Sweep(long window)
    {
        var swept = Interlocked.Read(ref _sweptWindow);
        if (swept >= window || Interlocked.CompareExchange(ref _sweptWindow, window, swept) != swept)
            return;
        foreach (var (client, count) in _counts)
            if (Volatile.Read(ref count.Window) < window && _counts.TryRemove(new KeyValuePair<TKey, Count>(client, count)))
                Interlocked.Decrement(ref _tracked);
    }
}
