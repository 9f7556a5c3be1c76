using System.Runtime.InteropServices;

namespace Gateway.Api.Draining;

/// <summary>
/// The host's lifetime when a drain period is set, in place of ConsoleLifetime (a host has one <see cref="IHostLifetime"/>;
/// ConsoleLifetime stops the application on the first SIGTERM). On SIGTERM or SIGINT the node drains: it reports not
/// ready and keeps serving for the period, then the usual graceful stop begins (Kestrel finishes the calls in flight,
/// the event writer records every call). A second SIGTERM or SIGINT while draining, or a SIGQUIT, starts that stop at once.
/// </summary>
public sealed partial class DrainingLifetime(
    NodeDrain drain, IHostApplicationLifetime application, TimeProvider time, ILogger<DrainingLifetime> log) : IHostLifetime, IDisposable
{
    readonly Lock _lock = new();
    PosixSignalRegistration[] _signals = [];
    ITimer? _timer;
    long _startedAt;
    bool _ended;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    void OnSignal(PosixSignalContext context)
    {
        // The host stops itself, in its own time: the runtime must not end the process.
        context.Cancel = true;
        if (context.Signal != PosixSignal.SIGQUIT)
        {
            var started = false;
            lock (_lock)
            {
                if (drain.TryStart())
                {
                    started = true;
                    _startedAt = time.GetTimestamp();
                    _timer = time.CreateTimer(_ => End(cutShortBy: null), null, drain.Period, Timeout.InfiniteTimeSpan);
                }
            }
            if (started)
            {
                DrainStarted(log, context.Signal.ToString(), drain.Period.TotalSeconds);
                return;
            }
        }
        End(cutShortBy: context.Signal.ToString());
    }

    /// <summary>Ends the drain (once) and starts the graceful stop; with no drain under way, just the stop.</summary>
    void End(string? cutShortBy)
    {
        TimeSpan? drained = null;
        lock (_lock)
        {
            if (drain.IsDraining && !_ended)
            {
                _ended = true;
                _timer?.Dispose();
                drained = time.GetElapsedTime(_startedAt);
            }
        }
        if (drained is { } seconds)
        {
            if (cutShortBy is null)
                DrainEnded(log, seconds.TotalSeconds);
            else
                DrainCutShort(log, cutShortBy, seconds.TotalSeconds);
        }
        // Asking again while the graceful stop is under way changes nothing.
        application.StopApplication();
    }

    public void Dispose()
    {
        foreach (var signal in _signals)
            signal.Dispose();
        lock (_lock)
            _timer?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Signal} received: draining for {Seconds} s before stopping (readiness answers 503 \"draining\", calls are still served, with Connection: close)")]
    static partial void DrainStarted(ILogger log, string signal, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain over after {Seconds:F1} s: stopping (calls in flight are finished, every call recorded)")]
    static partial void DrainEnded(ILogger log, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Signal} received again: drain cut short after {Seconds:F1} s, stopping now")]
    static partial void DrainCutShort(ILogger log, string signal, double seconds);
}
