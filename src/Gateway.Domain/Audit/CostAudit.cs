using System.Data;
using Gateway.Domain.Keys;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Services;

namespace Gateway.Domain.Audit;

/// <summary>
/// Replays the calls of a period from the event store and recomputes their cost; compares with what each call
/// recorded and with what the daily spend projection holds. The recomputation reads events only, never a read model.
/// The events are streamed (one query per event type, rows read as they arrive), so memory follows the number of
/// report rows, not the number of calls. Used by the <c>audit</c> CLI verb and meant for the portal's audit page.
/// </summary>
/// <param name="deploymentPrices">
/// The host's deployments priced under a given sheet (deployment id to price), so <see cref="RepricingWith"/> prices
/// calls as the gateway would have; none: by model names alone.
/// </param>
public sealed class CostAudit(IDocumentStore store, Func<PriceSheet, IReadOnlyDictionary<string, ModelPrice>>? deploymentPrices = null)
{
    /// <summary>The daemon's shard that writes the daily spend rows, in <c>mt_event_progression</c>.</summary>
    public const string DailySpendShard = SpendProjection.Shard;

    // Postgres keeps timestamps to the microsecond and .NET to 100 ns: the SQL filter is a little wider than the
    // period, and AuditQuery.Covers then decides exactly, with the same values the projection saw.
    static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>How to recompute with <paramref name="sheet"/> (an uploaded file, the current sheet): set it as <see cref="AuditQuery.Prices"/>.</summary>
    public Repricing RepricingWith(PriceSheet sheet) => new(sheet, deploymentPrices?.Invoke(sheet));

    public async Task<AuditReport> RunAsync(AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        // One snapshot for the projection, its mark and the events, so a daemon moving on meanwhile changes nothing.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var session = store.QuerySession(SessionOptions.ForTransaction(transaction));

        var ledger = new AuditLedger(query.Prices);
        var mark = await ProjectionMarkAsync(session, DailySpendShard, ct);

        await foreach (var day in ProjectedDays(session, query).ToAsyncEnumerable(ct))
            ledger.Projected(day);

        await foreach (var call in Filter(session.Events.QueryRawEventDataOnly<RequestCompleted>(), query).ToAsyncEnumerable(ct))
        {
            if (query.Covers(call.StartedAt, call.KeyHash, call.TeamId))
                ledger.Record(call);
        }
        await foreach (var call in Filter(session.Events.QueryRawEventDataOnly<RequestFailed>(), query).ToAsyncEnumerable(ct))
        {
            if (query.Covers(call.StartedAt, call.KeyHash, call.TeamId))
                ledger.Record(call);
        }

        // What the daemon has not reached yet counts as projected from the events: lag is not an incident.
        var unprojected = session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > mark)
            .Where(e => e.EventTypesAre(typeof(RequestCompleted), typeof(RequestFailed)))
            .OrderBy(e => e.Sequence);
        await foreach (var e in unprojected.ToAsyncEnumerable(ct))
        {
            switch (e.Data)
            {
                case RequestCompleted c when query.Covers(c.StartedAt, c.KeyHash, c.TeamId):
                    ledger.NotYetProjected(c.StartedAt, c.KeyHash, c.TeamId, c.ModelGroup, c.Cost);
                    break;
                case RequestFailed f when query.Covers(f.StartedAt, f.KeyHash, f.TeamId):
                    ledger.NotYetProjected(f.StartedAt, f.KeyHash, f.TeamId, f.ModelGroup, f.Cost);
                    break;
            }
        }

        var aliases = await KeyAliasesAsync(session, ct);
        return ledger.Report(query, hash => aliases.GetValueOrDefault(hash));
    }

    /// <summary>The sequence number up to which the daemon has applied events to a projection shard (0: none yet).</summary>
    public static async Task<long> ProjectionMarkAsync(IQuerySession session, string shard, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var marks = await session.AdvancedSql.QueryAsync<long>(
            $"select coalesce(max(last_seq_id), 0) from {schema}.mt_event_progression where name = ?", ct, shard);
        return marks.Count == 0 ? 0 : marks[0];
    }

    static IQueryable<DailySpend> ProjectedDays(IQuerySession session, AuditQuery query)
    {
        IQueryable<DailySpend> days = session.Query<DailySpend>().Where(d => d.Date >= query.From && d.Date <= query.To);
        if (query.TeamId is { } team)
            days = days.Where(d => d.TeamId == team);
        if (query.KeyHashes is { } keys)
        {
            var hashes = keys.ToArray();
            days = days.Where(d => hashes.Contains(d.KeyHash));
        }
        return days;
    }

    // The two call events share the filtered fields but no type, so the filter is written once for each.
    static IQueryable<RequestCompleted> Filter(IQueryable<RequestCompleted> calls, AuditQuery query)
    {
        var (from, to) = (query.Start - Margin, query.End + Margin);
        calls = calls.Where(c => c.StartedAt >= from && c.StartedAt < to);
        if (query.TeamId is { } team)
            calls = calls.Where(c => c.TeamId == team);
        if (query.KeyHashes is { } keys)
        {
            var hashes = keys.ToArray();
            calls = calls.Where(c => hashes.Contains(c.KeyHash));
        }
        return calls;
    }

    static IQueryable<RequestFailed> Filter(IQueryable<RequestFailed> calls, AuditQuery query)
    {
        var (from, to) = (query.Start - Margin, query.End + Margin);
        calls = calls.Where(c => c.StartedAt >= from && c.StartedAt < to);
        if (query.TeamId is { } team)
            calls = calls.Where(c => c.TeamId == team);
        if (query.KeyHashes is { } keys)
        {
            var hashes = keys.ToArray();
            calls = calls.Where(c => hashes.Contains(c.KeyHash));
        }
        return calls;
    }

    /// <summary>Every hash a key ever had (current and retired) to its alias; keys are few next to calls.</summary>
    static async Task<Dictionary<string, string>> KeyAliasesAsync(IQuerySession session, CancellationToken ct)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in session.Query<VirtualKey>().Where(k => k.KeyAlias != null).ToAsyncEnumerable(ct))
        {
            aliases[key.KeyHash] = key.KeyAlias!;
            foreach (var retired in key.RetiredKeyHashes)
                aliases.TryAdd(retired, key.KeyAlias!);
        }
        return aliases;
    }
}
