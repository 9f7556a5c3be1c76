using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Api.Events;

/// <summary>
/// Whether PostgreSQL is known to be unreachable now. The event writer and the event feed find out as they work (the
/// feed polls four times a second): an append, a poll or a key lookup that fails for want of a connection starts an
/// outage, the next append or poll that succeeds ends it. The hot path reads this flag instead of asking the database:
/// during an outage a key not in memory is not looked up (503), and with
/// <c>general_settings.allow_requests_on_db_unavailable: false</c> every call is refused (503). One warning when an
/// outage starts and one when it ends; meanwhile Marten's and Wolverine's own retries are kept out of the log
/// (<see cref="OutageLogFilter"/>).
/// </summary>
public sealed partial class DatabaseOutage(bool allowRequests, EventQueue queue, OutageLogFilter libraryLogs, ILogger<DatabaseOutage> logger)
{
    long _startedAt; // Stopwatch timestamp; 0 while the database is reachable
    long _outages;

    /// <summary>LiteLLM's <c>allow_requests_on_db_unavailable</c>; ours defaults to true (fail open), LiteLLM's to false.</summary>
    public bool AllowsRequests => allowRequests;

    public bool IsOngoing => Interlocked.Read(ref _startedAt) != 0;

    /// <summary>Fail closed: the database is down and calls must not be served without it.</summary>
    public bool RefusesCalls => !allowRequests && IsOngoing;

    /// <summary>Outages seen since start-up.</summary>
    public long Count => Interlocked.Read(ref _outages);

    /// <summary>Something failed for want of a connection (see <see cref="IsConnectionFailure"/>): starts an outage unless one is on.</summary>
    public void Unreachable(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _startedAt, Math.Max(1, Stopwatch.GetTimestamp()), 0) != 0)
            return;
        Interlocked.Increment(ref _outages);
        libraryLogs.Holding = true;
        if (allowRequests)
            LogStartedServing(logger, Describe(cause), queue.Capacity);
        else
            LogStartedRefusing(logger, Describe(cause));
    }

    /// <summary>The database answered: ends the outage, if one is on.</summary>
    public void Reachable()
    {
        if (Interlocked.Read(ref _startedAt) == 0)
            return; // the usual case: one read, nothing written
        var started = Interlocked.Exchange(ref _startedAt, 0);
        if (started == 0)
            return;
        libraryLogs.Holding = false;
        LogEnded(logger, Stopwatch.GetElapsedTime(started).TotalSeconds, queue.Pending, queue.Dropped);
    }

    /// <summary>
    /// A failure for want of a working connection: refused or timed out, broken mid-command, the server shutting down,
    /// starting up or out of connection slots. A statement the database refuses (bad data, a constraint) is none of these.
    /// </summary>
    public static bool IsConnectionFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many connections.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                // Without a server's answer: refused, timed out (the pool too), a stream that broke. A bare socket error or
                // timeout is not taken for the database's: an upstream's would look the same.
                case NpgsqlException:
                // A connection killed mid-transaction leaves Marten rolling back on a disposed transaction.
                case ObjectDisposedException disposed when $"{disposed.ObjectName} {disposed.Message}".Contains("Npgsql", StringComparison.Ordinal):
                    return true;
            }
        }
        return false;
    }

    /// <summary>The innermost message says why (refused, shutting down); it never holds the password.</summary>
    static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null && inner is not NpgsqlException)
            inner = inner.InnerException;
        return inner.Message.ReplaceLineEndings(" ").Trim();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is unreachable ({Reason}). Known keys keep working from memory " +
        "(allow_requests_on_db_unavailable: true); events are held, up to {Capacity}, and written when it returns. " +
        "Marten's and Wolverine's retries stay out of the log until then.")]
    static partial void LogStartedServing(ILogger logger, string reason, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is unreachable ({Reason}). Calls are refused with 503 until it " +
        "returns (allow_requests_on_db_unavailable: false). Marten's and Wolverine's retries stay out of the log until then.")]
    static partial void LogStartedRefusing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is reachable again after {Seconds:0.0} s; writing the {Pending} events " +
        "held meanwhile ({Dropped} dropped since start-up for want of room).")]
    static partial void LogEnded(ILogger logger, double seconds, int pending, long dropped);
}
