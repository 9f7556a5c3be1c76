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
        // Log the first drop and then every 1000th, so a flood cannot flood the log too.
        if (dropped == 1 || dropped % 1000 == 0)
            LogDropped(_logger, @event.GetType().Name, dropped, Capacity);
        return false;
    }

    /// <summary>No more events will come (graceful stop); the writer drains what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Event queue full: dropped a {EventType} event ({Dropped} dropped so far, capacity {Capacity}). The database is not keeping up or is down.")]
    static partial void LogDropped(ILogger logger, string eventType, long dropped, int capacity);
}

public sealed record EventQueueOptions(int Capacity = 100_000, int MaxBatchSize = 1_000);
