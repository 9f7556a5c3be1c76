using System.Collections.Concurrent;
using Gateway.Api.Limits;
using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Marten;

namespace Gateway.Api.Keys;

/// <summary>
/// The hot path's view of virtual keys, in memory, by SHA-256 hash. A hash it has not seen is looked up once in the
/// key read model (the key may have been issued on another node) and the answer is kept, a negative one only briefly
/// so a key issued elsewhere starts working within seconds. Admin commands on this node update it at once.
/// </summary>
public sealed class KeyDirectory(IDocumentStore store, BudgetSeeder seeder, TimeProvider time)
{
    /// <summary>How long "no such key" is believed; bounds how late a key issued on another node is seen.</summary>
    public static readonly TimeSpan NegativeLifetime = TimeSpan.FromSeconds(5);

    /// <summary>Past this many "no such key" answers, expired ones are dropped: a flood of random keys must not grow memory.</summary>
    public int SweepNegativesAbove { get; init; } = 10_000;

    readonly ConcurrentDictionary<string, Entry> _byHash = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Lazy<Task<VirtualKey?>>> _lookups = new(StringComparer.Ordinal);
    int _negatives;
    long _lastSweep;

    /// <summary>"No such key" answers held now, expired or not (for tests of the bound).</summary>
    public int NegativeEntries => Volatile.Read(ref _negatives);

    sealed record Entry(VirtualKey? Key, DateTimeOffset? ForgetAt);

    /// <summary>The key with this hash (current, or previous within its grace period), or null.</summary>
    public ValueTask<VirtualKey?> FindAsync(string keyHash, CancellationToken ct)
    {
        if (_byHash.TryGetValue(keyHash, out var entry) && (entry.ForgetAt is not { } forget || time.GetUtcNow() < forget))
            return ValueTask.FromResult(entry.Key);
        return new ValueTask<VirtualKey?>(LookUpOnceAsync(keyHash));
    }

    /// <summary>Whether this hash has an answer in memory (a key, or a "no such key" still believed): no lookup needed.</summary>
    public bool Remembers(string keyHash) =>
        _byHash.TryGetValue(keyHash, out var entry) && (entry.ForgetAt is not { } forget || time.GetUtcNow() < forget);

    /// <summary>Records a key's new state (issued, changed, regenerated or revoked on this node, or seen in the stream).</summary>
    public void Apply(VirtualKey key)
    {
        // A refresh that read the key before a later command committed must not put the older state back.
        if (_byHash.TryGetValue(key.KeyHash, out var known) && known.Key is { } current && current.UpdatedAt > key.UpdatedAt)
            return;
        Known(key.KeyHash, key);
        if (key.PreviousKeyHash is { } previous)
            Known(previous, key);
        // A budget window may have been set or moved: count from the store again.
        seeder.SeedLater(BudgetSeeder.For(key, time.GetUtcNow()).ToList());
    }

    async Task<VirtualKey?> LookUpOnceAsync(string keyHash)
    {
        // The event feed (holding its position) looks up on its own: sharing a lookup that waits for the feed to
        // move on would wait for ever.
        if (Events.FeedPosition.Holding)
        {
            var seen = await QueryAsync(keyHash);
            Remember(keyHash, seen);
            return seen;
        }

        // Concurrent misses for one hash share one query.
        var lookup = _lookups.GetOrAdd(keyHash, hash => new Lazy<Task<VirtualKey?>>(() => QueryAsync(hash)));
        try
        {
            var key = await lookup.Value;
            Remember(keyHash, key);
            return key;
        }
        finally
        {
            _lookups.TryRemove(new KeyValuePair<string, Lazy<Task<VirtualKey?>>>(keyHash, lookup));
        }
    }

    void Remember(string keyHash, VirtualKey? key)
    {
        if (key is not null)
        {
            Known(keyHash, key);
            return;
        }
        var now = time.GetUtcNow();
        var replaced = _byHash.TryGetValue(keyHash, out var old) && old.Key is null;
        _byHash[keyHash] = new Entry(null, now + NegativeLifetime);
        if (!replaced && Interlocked.Increment(ref _negatives) > SweepNegativesAbove)
            SweepExpired(now);
    }

    void Known(string keyHash, VirtualKey key)
    {
        if (_byHash.TryGetValue(keyHash, out var old) && old.Key is null)
            Interlocked.Decrement(ref _negatives);
        _byHash[keyHash] = new Entry(key, null);
    }

    /// <summary>Drops expired "no such key" answers, at most once a second.</summary>
    void SweepExpired(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last)
            return;
        foreach (var (hash, entry) in _byHash)
            if (entry is { Key: null, ForgetAt: { } forget } && forget <= now && _byHash.TryRemove(new KeyValuePair<string, Entry>(hash, entry)))
                Interlocked.Decrement(ref _negatives);
    }

    async Task<VirtualKey?> QueryAsync(string keyHash)
    {
        await using var session = store.QuerySession();
        var found = await session.Query<VirtualKey>()
            .Where(k => k.KeyHash == keyHash || k.PreviousKeyHash == keyHash)
            .ToListAsync();
        var key = found.Count == 0 ? null : found.MaxBy(k => k.UpdatedAt);

        // A key first seen on this node brings its spend so far (this window's, for a windowed budget) into the ledger.
        if (key is not null)
            await seeder.SeedAsync(BudgetSeeder.For(key, time.GetUtcNow()), CancellationToken.None);
        return key;
    }
}
