using Gateway.Domain.Spend;
using Marten;

namespace Gateway.Domain.Audit;

/// <summary>Whose spend: one key (all its hashes), one team, or one customer (the end user a request names).</summary>
public sealed record SpendOwner(SpendOwnerKind Kind, string Id, IReadOnlyCollection<string> KeyHashes)
{
    public static SpendOwner Key(string label, IReadOnlyCollection<string> hashes) => new(SpendOwnerKind.Key, label, hashes);

    public static SpendOwner Team(string teamId) => new(SpendOwnerKind.Team, teamId, []);

    public static SpendOwner Customer(string customerId) => new(SpendOwnerKind.Customer, customerId, []);
}

public enum SpendOwnerKind
{
    Key,
    Team,
    Customer,
}

/// <summary>What an owner had spent at a moment: every call charged (ended) at or before it.</summary>
public sealed record SpendAt(SpendOwner Owner, DateTimeOffset AsOf, decimal Spend, long Requests, DateTimeOffset? LastCallAt);

/// <summary>
/// The spend of a key, team or customer at any past moment, by replaying its calls from the event store (never a read
/// model, which only knows the present). A call counts from the moment it was charged (<c>At</c>, when it ended), as
/// the gateway's own spend counters do. Streamed, so any number of calls fits in constant memory.
/// </summary>
public static class SpendAsOf
{
    static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A moment as an auditor writes it (the CLI's <c>--as-of</c>, the portal's field): ISO 8601; without an offset it
    /// is UTC, and a bare date is its first instant (00:00Z).
    /// </summary>
    public static bool TryParseMoment(string? text, out DateTimeOffset moment) =>
        DateTimeOffset.TryParse(text?.Trim(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out moment);

    public static async Task<SpendAt> ComputeAsync(IQuerySession session, SpendOwner owner, DateTimeOffset asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        decimal spend = 0;
        long requests = 0;
        DateTimeOffset? last = null;

        void Count(DateTimeOffset at, decimal cost)
        {
            // Postgres rounds to the microsecond: the SQL bound is loose and this one exact.
            if (at > asOf)
                return;
            spend += cost;
            requests++;
            if (last is null || at > last)
                last = at;
        }

        var bound = asOf + Margin;
        IQueryable<RequestCompleted> completed = session.Events.QueryRawEventDataOnly<RequestCompleted>().Where(c => c.At <= bound);
        IQueryable<RequestFailed> failed = session.Events.QueryRawEventDataOnly<RequestFailed>().Where(c => c.At <= bound);
        var id = owner.Id;
        switch (owner.Kind)
        {
            case SpendOwnerKind.Key:
                var hashes = owner.KeyHashes.ToArray();
                completed = completed.Where(c => hashes.Contains(c.KeyHash));
                failed = failed.Where(c => hashes.Contains(c.KeyHash));
                break;
            case SpendOwnerKind.Team:
                completed = completed.Where(c => c.TeamId == id);
                failed = failed.Where(c => c.TeamId == id);
                break;
            case SpendOwnerKind.Customer:
                completed = completed.Where(c => c.CustomerId == id);
                failed = failed.Where(c => c.CustomerId == id);
                break;
        }

        await foreach (var call in completed.ToAsyncEnumerable(ct))
            Count(call.At, call.Cost);
        await foreach (var call in failed.ToAsyncEnumerable(ct))
            Count(call.At, call.Cost);
        return new SpendAt(owner, asOf, spend, requests, last);
    }
}
