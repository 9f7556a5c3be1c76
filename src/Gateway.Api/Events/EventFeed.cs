using Gateway.Api.Access;
using Gateway.Api.Routing;
using Gateway.Domain.Spend;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

    async Task<int> TakeInAsync(long from, CancellationToken ct)
    {
        IReadOnlyList<IEvent> events;
        await using (var session = store.QuerySession())
        {
            events = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > from)
                .OrderBy(e => e.Sequence).Take(BatchSize).ToListAsync(ct);
        }

        var changed = new Dictionary<Guid, Type>();
        var deploymentsChanged = false;
        var taken = 0;
        foreach (var e in events)
        {
            if (e.Sequence != position.Sequence + 1 && !GapGivenUp(e.Sequence))
                break;
            _gapAt = null;
            if (AccessRefresh.AggregateOf(e.EventType) is { } aggregate)
                changed[e.StreamId] = aggregate;
            else if (DeploymentListener.IsDeploymentChange(e.Data))
                deploymentsChanged = true;
            else if (e.Data is RequestCompleted or RequestFailed)
            {
                // The call is charged to the teams and budgets as they were when it ran: apply earlier changes first.
                await access.RefreshAsync(changed, ct);
                changed.Clear();
                await (e.Data is RequestCompleted done
                    ? spend.ApplyAsync(done.KeyHash, done.ModelGroup, done.CustomerId, done.Cost, done.At, FromThisNode(e), ct)
                    : e.Data is RequestFailed { Cost: > 0m } failed
                        ? spend.ApplyAsync(failed.KeyHash, failed.ModelGroup, failed.CustomerId, failed.Cost, failed.At, FromThisNode(e), ct)
                        : ValueTask.CompletedTask);
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

    bool FromThisNode(IEvent e) =>
        e.Headers is { } headers && headers.TryGetValue(GatewayNode.Header, out var value) && value?.ToString() == node.Id.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the event feed failed ({Failures} times in a row); retrying")]
    static partial void LogPollFailed(ILogger logger, Exception exception, long failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Events {From}..{To} never committed (rolled back); moving past them")]
    static partial void LogGapSkipped(ILogger logger, long from, long to);
}
