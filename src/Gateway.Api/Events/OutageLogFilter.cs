using Microsoft.Extensions.Logging;

namespace Gateway.Api.Events;

/// <summary>
/// Marten's async daemon and Wolverine's agents poll PostgreSQL on their own and log an error for each failed try:
/// about five lines a second while the database is down. <see cref="DatabaseOutage"/> has said it once, so while an
/// outage is on their entries below Critical are held back; they retry by themselves and pick up when it returns.
/// </summary>
public sealed class OutageLogFilter
{
    /// <summary>The libraries whose retries are held back (log category prefixes).</summary>
    public static readonly IReadOnlyList<string> Libraries = ["Marten", "Weasel", "Wolverine", "JasperFx", "Npgsql"];

    volatile bool _holding;

    public bool Holding
    {
        get => _holding;
        set => _holding = value;
    }

    /// <summary>Whether an entry of a library at this level goes to the log: Warning and above, Critical only during an outage.</summary>
    public bool Allows(LogLevel level) => level >= LogLevel.Warning && (!_holding || level >= LogLevel.Critical);
}
