using JasperFx.Events;
using Marten;
using Marten.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Events;

/// <summary>
/// The single writer that appends queued events to Marten in batches: one COPY (one transaction) per batch,
/// each event on its own stream. A failed batch is held and retried with backoff (the database may be restarting);
/// on graceful stop the queue is drained before the host exits. While PostgreSQL is unreachable the writer holds one
/// batch and the queue holds the rest (at most <see cref="EventQueue.Capacity"/>); it tells <see cref="DatabaseOutage"/>
/// when an append fails for want of a connection and when one succeeds again, and logs nothing per attempt itself.
/// </summary>
public sealed partial class EventWriter(
    EventQueue queue,
    EventQueueOptions options,
    IDocumentStore store,
    IHostApplicationLifetime lifetime,
    GatewayNode node,
    DatabaseOutage outage,
    ILogger<EventWriter> logger,
    IEnumerable<IBatchCharges> charges) : IHostedService
{
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits for calls Kestrel cut off to record themselves (they take milliseconds).</summary>
    static readonly TimeSpan CallsTimeout = TimeSpan.FromSeconds(5);

    readonly CancellationTokenSource _abandon = new();
    readonly EventGraph events = ((DocumentStore)store).Events;
    readonly string nodeId = node.Id.ToString();
    readonly IBatchCharges[] _charges = [.. charges];
    Task? _loop;
    long _persisted;
    long _batches;
    long _lost;
    long _setAside;

    public long Persisted => Interlocked.Read(ref _persisted);
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Events given up on: still queued when the drain timed out at shutdown.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Events the database refused (see <see cref="SetAside"/>): logged in full, not written.</summary>
    public long SetAsideCount => Interlocked.Read(ref _setAside);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await queue.CompleteAsync(CallsTimeout);
        if (_loop is null)
            return;

        var pending = queue.Pending;
        if (pending > 0)
            LogDraining(logger, pending);

        var finished = await Task.WhenAny(_loop, Task.Delay(DrainTimeout, CancellationToken.None));
        if (finished != _loop)
        {
            await _abandon.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (Lost > 0)
            LogLost(logger, Lost);
    }

    /// <summary>Waits until everything enqueued so far is in the store (tests and shutdown use it).</summary>
    public async Task WaitUntilPersistedAsync(TimeSpan timeout)
    {
        var target = queue.Enqueued;
        var deadline = DateTime.UtcNow + timeout;
        while (Persisted + Lost + SetAsideCount < target)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The event writer persisted {Persisted} of {target} events within {timeout}.");
            await Task.Delay(10);
        }
    }

    async Task RunAsync()
    {
        var batch = new List<PendingEvent>(options.MaxBatchSize);
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abandon.Token))
            {
                while (batch.Count < options.MaxBatchSize && reader.TryRead(out var next))
                    batch.Add(next);
                foreach (var charge in _charges)
                    await charge.ChargeAsync(batch, _abandon.Token);
                await AppendWithRetryAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            Interlocked.Add(ref _lost, batch.Count + queue.Pending);
        }
        catch (Exception ex)
        {
            // Nothing should get here; if it does, the gateway must not go on serving without recording.
            LogWriterCrashed(logger, ex);
            lifetime.StopApplication();
        }
    }

    async Task AppendWithRetryAsync(List<PendingEvent> batch)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AppendAsync(batch);
                Interlocked.Add(ref _persisted, batch.Count);
                Interlocked.Increment(ref _batches);
                outage.Reachable();
                if (attempt > 1)
                    LogRecovered(logger, batch.Count, attempt);
                return;
            }
            catch (Exception ex) when (RefusedByTheDatabase(ex))
            {
                // The database is up and refuses something in this batch: waiting will not change its mind, and the
                // events behind it must not wait for ever. Halve until the refused event stands alone; set it aside.
                if (batch.Count == 1)
                {
                    SetAside(batch[0], ex);
                    return;
                }
                var half = batch.Count / 2;
                await AppendWithRetryAsync(batch[..half]);
                await AppendWithRetryAsync(batch[half..]);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abandon.IsCancellationRequested)
            {
                // An outage is logged once, when it starts; anything else is logged here, now and then.
                if (DatabaseOutage.IsConnectionFailure(ex))
                    outage.Unreachable(ex);
                else if (attempt == 1 || attempt % 20 == 0)
                    LogAppendFailed(logger, ex, batch.Count, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, _abandon.Token);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    /// <summary>
    /// Every event here starts a stream of its own (a call, a cooldown, a health change) and none has an inline
    /// projection, so COPY may take them: about twice the events per second of batched appends, which is what lets
    /// persistence keep up with the proxy under load (bench/gateway).
    /// </summary>
    Task AppendAsync(List<PendingEvent> batch)
    {
        var streams = new List<StreamAction>(batch.Count);
        foreach (var item in batch)
        {
            var e = events.BuildEvent(item.Event);
            e.SetHeader(GatewayNode.Header, nodeId);
            streams.Add(StreamAction.Start(events, item.StreamId, e));
        }
        return store.BulkInsertEventsAsync(streams, streams.Count, _abandon.Token);
    }

    /// <summary>
    /// A data exception (class 22: a value PostgreSQL cannot store) or an integrity violation (class 23: e.g. the
    /// stream already exists because an earlier attempt committed before its answer was lost). Connection failures,
    /// timeouts and a database shutting down are none of these: those batches are held and retried.
    /// </summary>
    static bool RefusedByTheDatabase(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is Npgsql.PostgresException { SqlState: [ '2', '2' or '3', ..] })
                return true;
        return false;
    }

    /// <summary>
    /// An event the database refuses is written to the log in full (events hold key hashes, never keys), counted,
    /// and left out, so an operator can still account for it; a duplicate of a stream that exists was already written.
    /// </summary>
    void SetAside(PendingEvent pending, Exception ex)
    {
        Interlocked.Increment(ref _setAside);
        LogSetAside(logger, ex, pending.Event.GetType().Name, pending.StreamId, System.Text.Json.JsonSerializer.Serialize(pending.Event, pending.Event.GetType()));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused a {EventType} event (stream {StreamId}); it is set aside and not written: {Event}")]
    static partial void LogSetAside(ILogger logger, Exception exception, string eventType, Guid streamId, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: writing {Pending} queued events before exit.")]
    static partial void LogDraining(ILogger logger, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped with {Lost} events not written: the database did not accept them within the drain timeout.")]
    static partial void LogLost(ILogger logger, long lost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending a batch of {Count} events failed (attempt {Attempt}); holding it and retrying in {DelayMs} ms.")]
    static partial void LogAppendFailed(ILogger logger, Exception exception, int count, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appended a held batch of {Count} events after {Attempt} attempts.")]
    static partial void LogRecovered(ILogger logger, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The event writer failed and the gateway is stopping.")]
    static partial void LogWriterCrashed(ILogger logger, Exception exception);
}
