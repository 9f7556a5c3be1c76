using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Marten;

namespace Gateway.Domain.Audit;

/// <summary>
/// Turns what an auditor types (a key's plaintext, hash or alias; a team or customer id) into what the calls recorded.
/// Something is known when the gateway has it on file or when calls were recorded under it (the master key, an end
/// user never created through <c>/customer/new</c>); null means neither, so a typo is not reported as zero spend.
/// </summary>
public static class AuditScopes
{
    /// <summary>
    /// Every hash of the key(s) meant: a plaintext <c>sk-…</c> key or a 64-digit hash finds the key that has or had it,
    /// anything else is a key alias. A regenerated key brings all its hashes, so its whole history counts.
    /// </summary>
    public static async Task<IReadOnlyList<string>?> KeyHashesAsync(IQuerySession session, string keyOrAlias, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyOrAlias);
        var isSecret = keyOrAlias.StartsWith(KeyPlaintext.Prefix, StringComparison.Ordinal);
        string? hash = isSecret ? KeyPlaintext.Hash(keyOrAlias) : KeyPlaintext.IsHash(keyOrAlias) ? keyOrAlias : null;

        // Both lookups are indexed; only a hash retired by a regeneration needs a scan of the keys.
        var keys = hash is not null
            ? await session.Query<VirtualKey>().Where(k => k.KeyHash == hash).ToListAsync(ct)
            : await session.Query<VirtualKey>().Where(k => k.KeyAlias == keyOrAlias).ToListAsync(ct);
        var found = keys.SelectMany(k => (IEnumerable<string>)[k.KeyHash, .. k.RetiredKeyHashes]).ToList();
        if (found.Count == 0 && hash is not null)
        {
            await foreach (var key in session.Query<VirtualKey>().ToAsyncEnumerable(ct))
            {
                if (key.RetiredKeyHashes.Contains(hash))
                    found.AddRange([key.KeyHash, .. key.RetiredKeyHashes]);
            }
        }
        if (found.Count > 0)
            return found.Distinct(StringComparer.Ordinal).ToList();

        if (hash is not null && await AnyCallAsync(session, c => c.KeyHash == hash, ct))
            return [hash];
        return null;
    }

    public static async Task<bool> TeamKnownAsync(IQuerySession session, string teamId, CancellationToken ct) =>
        await session.Query<Team>().AnyAsync(t => t.TeamId == teamId, ct)
        || await AnyCallAsync(session, c => c.TeamId == teamId, ct);

    public static async Task<bool> CustomerKnownAsync(IQuerySession session, string customerId, CancellationToken ct) =>
        await session.Query<Customer>().AnyAsync(c => c.CustomerId == customerId, ct)
        || await AnyCallAsync(session, c => c.CustomerId == customerId, ct);

    static Task<bool> AnyCallAsync(IQuerySession session, System.Linq.Expressions.Expression<Func<RequestCompleted, bool>> filter, CancellationToken ct) =>
        session.Events.QueryRawEventDataOnly<RequestCompleted>().AnyAsync(filter, ct);
}
