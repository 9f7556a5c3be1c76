using System.Globalization;
using Gateway.Api.Access;
using Gateway.Api.Routing;
using Gateway.Domain.Models;
using Gateway.Domain.Spend;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Api.Events;

/// <summary>
/// Follows the event store for what other nodes did: keys, teams, users, customers and model deployments changed by
/// admin commands there, and the calls they served (charged here too, so budgets hold across nodes). Polls by sequence number.
/// A transaction that took a number but has not committed yet leaves a gap; the feed waits for it a little
/// (<see cref="GapPatience"/>) before it takes the gap as a rolled-back transaction and moves past it.
/// Polling is also how this node notices PostgreSQL going away and coming back (<see cref="DatabaseOutage"/>).
/// </summary>
public sealed partial class EventFeed(
    IDocumentStore store, AccessRefresh access, FeedSpend spend, FeedPosition position, GatewayNode node, StoredDeployments deployments,
    DatabaseOutage outage, ILogger<EventFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(3);
    const int BatchSize = 500;

    long? _gapAt;
    long _failedPolls;
    DateTime _gapSeenAt;

    /// <summary>Starts from the store's end: what came before is in the snapshots and rollups loaded at start-up.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        position.MoveTo(await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Select(e => e.Sequence)
            .FirstOrDefaultAsync(cancellationToken));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while (await PollAsync(stoppingToken) == BatchSize)
                    {
                        // A full batch: more is waiting, read on without pausing.
                    }
                    outage.Reachable();
                    _failedPolls = 0;
                }
                catch (Exception ex) when (DatabaseOutage.IsConnectionFailure(ex) && !stoppingToken.IsCancellationRequested)
                {
                    outage.Unreachable(ex); // said once, when the outage starts
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Four polls a second: say the first failure of a run, then one a minute.
                    if (_failedPolls++ % 240 == 0)
                        LogPollFailed(logger, ex, _failedPolls);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes in the events after the feed's position, up to the first gap still worth waiting for.</summary>
    public async Task<int> PollAsync(CancellationToken ct)
    {
        var taken = 0;
        await position.HoldAsync(async from => taken = await TakeInAsync(from, ct), ct);
        return taken;
    }

    // Declared before Query, which is built from them (static fields initialise in order).
    static readonly string Completed = typeof(RequestCompleted).GetEventTypeName();
    static readonly string Failed = typeof(RequestFailed).GetEventTypeName();

    /// <summary>
    /// The feed reads five fields of a call and only the type of anything else, so it asks PostgreSQL for just those
    /// (jsonb takes them out without parsing) instead of deserialising every event, price entry and all: under load
    /// that was about a sixth of the gateway's CPU. The names are the events' own property names, as Marten stores them.
    /// </summary>
    static readonly string Query = $"""
        select seq_id, stream_id, type, headers ->> '{GatewayNode.Header}',
               case when type in ('{Completed}', '{Failed}') then data ->> '{nameof(RequestCompleted.KeyHash)}' end,
               case when type in ('{Completed}', '{Failed}') then data ->> '{nameof(RequestCompleted.ModelGroup)}' end,
               case when type in ('{Completed}', '{Failed}') then data ->> '{nameof(RequestCompleted.CustomerId)}' end,
               case when type in ('{Completed}', '{Failed}') then data ->> '{nameof(RequestCompleted.Cost)}' end,
               case when type in ('{Completed}', '{Failed}') then data ->> '{nameof(RequestCompleted.At)}' end
        from {Gateway.Domain.Configuration.SchemaName}.mt_events
        where seq_id > $1
        order by seq_id
        limit {BatchSize}
        """;

    /// <summary>Event type names (as stored) of the aggregates the hot path keeps in memory, and of deployment changes.</summary>
    static readonly Dictionary<string, Type> Aggregates = AggregateEventNames();

    static readonly HashSet<string> DeploymentChanges =
        [typeof(DeploymentAdded).GetEventTypeName(), typeof(DeploymentUpdated).GetEventTypeName(), typeof(DeploymentRemoved).GetEventTypeName()];

    static Dictionary<string, Type> AggregateEventNames()
    {
        var names = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in typeof(RequestCompleted).Assembly.GetExportedTypes())
        {
            if (type is { IsNested: false, IsAbstract: false } && AccessRefresh.AggregateOf(type) is { } aggregate)
                names.TryAdd(type.GetEventTypeName(), aggregate);
        }
        return names;
    }

    /// <summary>One event as the feed needs it; the call's fields only for calls.</summary>
    readonly record struct FedEvent(
        long Sequence, Guid StreamId, string Type, string? Node, string? KeyHash, string? ModelGroup, string? CustomerId, decimal Cost, DateTimeOffset At);

    async Task<List<FedEvent>> ReadAfterAsync(long from, CancellationToken ct)
    {
        var events = new List<FedEvent>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Query, connection) { Parameters = { new() { Value = from } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(new FedEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? 0m : decimal.Parse(reader.GetString(7), NumberStyles.Float, CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? default : DateTimeOffset.Parse(reader.GetString(8), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }
        return events;
    }

    async Task<int> TakeInAsync(long from, CancellationToken ct)
    {
        var events = await ReadAfterAsync(from, ct);
        var changed = new Dictionary<Guid, Type>();
        var deploymentsChanged = false;
        var taken = 0;
        foreach (var e in events)
        {
            if (e.Sequence != position.Sequence + 1 && !GapGivenUp(e.Sequence))
                break;
            _gapAt = null;
            if (Aggregates.TryGetValue(e.Type, out var aggregate))
                changed[e.StreamId] = aggregate;
            else if (DeploymentChanges.Contains(e.Type))
                deploymentsChanged = true;
            else if (e.Type == Completed || e.Type == Failed)
            {
                // The call is charged to the teams and budgets as they were when it ran: apply earlier changes first.
                await access.RefreshAsync(changed, ct);
                changed.Clear();
                await spend.ApplyAsync(e.KeyHash, e.ModelGroup, e.CustomerId, e.Cost, e.At, e.Node == _thisNode, ct);
            }
            position.MoveTo(e.Sequence);
            taken++;
        }
        await access.RefreshAsync(changed, ct);
        if (deploymentsChanged)
            await deployments.ReloadAsync(ct);
        return taken;
    }

    bool GapGivenUp(long next)
    {
        var missing = position.Sequence + 1;
        if (_gapAt != missing)
        {
            _gapAt = missing;
            _gapSeenAt = DateTime.UtcNow;
            return false;
        }
        if (DateTime.UtcNow - _gapSeenAt < GapPatience)
            return false;
        LogGapSkipped(logger, missing, next - 1);
        return true;
    }

    readonly string _thisNode = node.Id.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the event feed failed ({Failures} times in a row); retrying")]
    static partial void LogPollFailed(ILogger logger, Exception exception, long failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Events {From}..{To} never committed (rolled back); moving past them")]
    static partial void LogGapSkipped(ILogger logger, long from, long to);
}
