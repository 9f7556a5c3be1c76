using System.Text;
using JasperFx.Events;
using Marten;

namespace Gateway.Domain.Spend;

/// <summary>Which calls a spend sum counts: every owner given must match (null does not filter).</summary>
/// <param name="Since">Counts calls that started at or after this instant.</param>
/// <param name="UpToSequence">Counts only events up to this sequence number (none: all committed).</param>
/// <param name="EarlierKeyHashes">The key's hashes before it was regenerated: calls under them count as the key's.</param>
public sealed record SpendFilter(
    string? KeyHash,
    string? TeamId,
    string? UserId,
    string? EndUser,
    string? ModelGroup,
    DateTimeOffset Since,
    long? UpToSequence = null,
    IReadOnlyList<string>? EarlierKeyHashes = null);

/// <summary>
/// The spend of the calls a <see cref="SpendFilter"/> selects, for seeding windowed budgets at start-up. Exact even
/// while the async daemon is behind: the request log (<see cref="SpendLog"/>) is read up to the sequence number the
/// daemon has processed, and the <see cref="RequestCompleted"/>/<see cref="RequestFailed"/> events after it are summed
/// from the event table. Both halves are one SQL statement, so they see one snapshot: nothing is counted twice or
/// missed when the daemon moves on meanwhile (and a log row counts only if its own event is at or below the mark, in
/// case rows and mark were ever committed apart). A rebuild resets the mark, so the sum then reads the events alone.
/// The log half is an index range scan on (owner, start_time); the event half scans only the tail the daemon has not
/// reached yet (by primary key). "Since" compares the call's start, as the request log and LiteLLM's reports do.
/// </summary>
public static class SpendSince
{
    /// <summary>The daemon's name for the request log's only shard, in <c>mt_event_progression</c>.</summary>
    public const string LogShard = SpendProjection.Shard;

    public static async Task<decimal> SumAsync(IQuerySession session, SpendFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = Sql(session.DocumentStore.Options, filter);
        var sums = await session.AdvancedSql.QueryAsync<decimal>(sql, ct, parameters);
        return sums.Count == 0 ? 0m : sums[0];
    }

    /// <summary>The statement and its positional (<c>?</c>) parameters; public so tests can check the query plan.</summary>
    public static (string Sql, object[] Parameters) Sql(IReadOnlyStoreOptions options, SpendFilter filter)
    {
        var schema = options.Events.DatabaseSchemaName;
        var log = options.FindOrResolveDocumentType(typeof(SpendLog));
        string Column(string member) => log.DuplicatedFields.Single(f => f.Members[^1].Name == member).ColumnName;

        // The owners, each as (duplicated column of the log, field of the events' JSON).
        // A regenerated key's calls are under each of its hashes: the key is matched against all of them.
        object? keyHashes = filter.KeyHash is null ? null
            : filter.EarlierKeyHashes is { Count: > 0 } earlier ? new[] { filter.KeyHash }.Concat(earlier).ToArray() : filter.KeyHash;
        var owners = new (object? Value, string LogColumn, string EventField)[]
        {
            (keyHashes, Column(nameof(SpendLog.KeyHash)), nameof(RequestCompleted.KeyHash)),
            (filter.TeamId, Column(nameof(SpendLog.TeamId)), nameof(RequestCompleted.TeamId)),
            (filter.UserId, Column(nameof(SpendLog.UserId)), nameof(RequestCompleted.UserId)),
            (filter.EndUser, Column(nameof(SpendLog.EndUser)), nameof(RequestCompleted.CustomerId)),
            (filter.ModelGroup, Column(nameof(SpendLog.ModelGroup)), nameof(RequestCompleted.ModelGroup)),
        };
        var since = filter.Since.ToUniversalTime(); // Npgsql writes timestamptz only from UTC offsets

        var upTo = filter.UpToSequence ?? long.MaxValue;
        var parameters = new List<object> { upTo, LogShard };
        var sql = new StringBuilder()
            .Append("with mark as (select least(coalesce(max(last_seq_id), 0), ?) as seq from ").Append(schema)
            .Append(".mt_event_progression where name = ?) select coalesce((select sum((l.data ->> '").Append(nameof(SpendLog.Spend))
            .Append("')::numeric) from ").Append(log.TableName.QualifiedName).Append(" l, mark where l.").Append(Column(nameof(SpendLog.StartTime)))
            .Append(" >= ? and (l.data ->> '").Append(nameof(SpendLog.Sequence)).Append("')::bigint <= mark.seq");
        parameters.Add(since);
        foreach (var (value, column, _) in owners)
        {
            if (value is null)
                continue;
            sql.Append(" and l.").Append(column).Append(value is string[] ? " = any(?)" : " = ?");
            parameters.Add(value);
        }

        sql.Append("), 0) + coalesce((select sum((e.data ->> '").Append(nameof(RequestCompleted.Cost))
            .Append("')::numeric) from ").Append(schema).Append(".mt_events e, mark where e.seq_id > mark.seq and e.seq_id <= ? and e.type = any(?) and (e.data ->> '")
            .Append(nameof(RequestCompleted.StartedAt)).Append("')::timestamptz >= ?");
        parameters.Add(upTo);
        parameters.Add(new[] { EventTypeName<RequestCompleted>(options), EventTypeName<RequestFailed>(options) });
        parameters.Add(since);
        foreach (var (value, _, field) in owners)
        {
            if (value is null)
                continue;
            sql.Append(" and e.data ->> '").Append(field).Append(value is string[] ? "' = any(?)" : "' = ?");
            parameters.Add(value);
        }
        sql.Append("), 0)");
        return (sql.ToString(), parameters.ToArray());
    }

    static string EventTypeName<T>(IReadOnlyStoreOptions options) => typeof(T).GetEventTypeName(options.Events.EventNamingStyle);
}
