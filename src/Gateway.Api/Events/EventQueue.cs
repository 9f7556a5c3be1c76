using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Events;

/// <summary>An event bound for the store, with the stream it belongs to.</summary>
public readonly record struct PendingEvent(Guid StreamId, object Event);

/// <summary>
/// The bounded hand-off between requests and the <see cref="EventWriter"/>. A request never waits on PostgreSQL:
/// it enqueues and moves on. When the queue is full the event is dropped, counted and logged — never silently.
/// </summary>
public sealed partial class EventQueue
{
    readonly Channel<PendingEvent> _channel;
    readonly ILogger<EventQueue> _logger;
    long _enqueued;
    long _dropped;
    int _recording;
    volatile bool _completed;

    public EventQueue(EventQueueOptions options, ILogger<EventQueue> logger)
    {
        _logger = logger;
        Capacity = options.Capacity;
        _channel = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false instead of evicting a queued event
        });
    }

    public int Capacity { get; }
    public long Enqueued => Interlocked.Read(ref _enqueued);
    public long Dropped => Interlocked.Read(ref _dropped);
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<PendingEvent> Reader => _channel.Reader;

    public bool TryEnqueue(Guid streamId, object @event)
    {
        if (_channel.Writer.TryWrite(new PendingEvent(streamId, @event)))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        if (_completed)
            LogDroppedAfterStop(_logger, @event.GetType().Name, dropped);
        // Log the first drop and then every 1000th, so a flood cannot flood the log too.
        else if (dropped == 1 || dropped % 1000 == 0)
            LogDropped(_logger, @event.GetType().Name, dropped, Capacity);
        return false;
    }

    /// <summary>
    /// Marks a call in progress, which may still enqueue its events; disposing it says the call has recorded itself.
    /// On a graceful stop the queue is closed only once no call is left (<see cref="CompleteAsync"/>).
    /// </summary>
    public Recording StartRecording()
    {
        Interlocked.Increment(ref _recording);
        return new Recording(this);
    }

    /// <summary>Calls in progress that have not recorded themselves yet.</summary>
    public int CallsInProgress => Volatile.Read(ref _recording);

    /// <summary>
    /// No more events will come (graceful stop); the writer drains what is queued. Kestrel stops first, but a call it
    /// cut off at the shutdown timeout records itself (status 499) a moment after Kestrel has let go of it: the queue
    /// waits for such calls, up to <paramref name="timeout"/>, so their events are written rather than dropped.
    /// </summary>
    internal async Task CompleteAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CallsInProgress > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10, CancellationToken.None);
        _completed = true;
        _channel.Writer.TryComplete();
    }

    /// <summary>A call in progress (<see cref="StartRecording"/>); a struct, so marking one allocates nothing.</summary>
    public readonly struct Recording(EventQueue queue) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref queue._recording);
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Event queue full: dropped a {EventType} event ({Dropped} dropped so far, capacity {Capacity}). The database is not keeping up or is down.")]
    static partial void LogDropped(ILogger logger, string eventType, long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Dropped a {EventType} event enqueued after the event writer stopped ({Dropped} dropped so far): a call outlived the wait for calls in progress at shutdown.")]
    static partial void LogDroppedAfterStop(ILogger logger, string eventType, long dropped);
}

public sealed record EventQueueOptions(int Capacity = 100_000, int MaxBatchSize = 1_000);
