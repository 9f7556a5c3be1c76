using Gateway.Domain.Limits;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Access;

/// <summary>
/// Wrong keys per client address (<see cref="FailedAttempts{TKey}"/>): a client that has sent too many in a window gets
/// 429 with <c>retry-after</c> before its key is even looked at, so guessing costs no database lookup and no master-key
/// comparison. The address is the connection's, or the one a trusted proxy forwarded (see <c>trusted_proxies</c>).
/// </summary>
public sealed partial class FailedAuthentications(FailedAttemptLimit limit, TimeProvider time, ILogger<FailedAuthentications> logger)
{
    readonly FailedAttempts<UInt128> _attempts = new(limit, time);

    public FailedAttemptLimit Limit => limit;

    /// <summary>Clients counted now; bounded by <see cref="FailedAttemptLimit.MaxTracked"/>.</summary>
    public int Tracked => _attempts.Tracked;

    /// <summary>On every authentication: while no client has failed, this is one read of a counter.</summary>
    public bool IsRefused(HttpContext context, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return _attempts.Tracked > 0 && _attempts.IsRefused(ClientAddress.KeyOf(context.Connection.RemoteIpAddress), out retryAfter);
    }

    public void Failed(HttpContext context)
    {
        if (_attempts.Record(ClientAddress.KeyOf(context.Connection.RemoteIpAddress)))
            LogRefusing(logger, context.Connection.RemoteIpAddress?.ToString() ?? "(no address)", limit.Attempts, limit.Window.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {Client} sent {Attempts} wrong keys within {WindowSeconds} s; its calls are refused with 429 until the window ends.")]
    static partial void LogRefusing(ILogger logger, string client, int attempts, double windowSeconds);
}
