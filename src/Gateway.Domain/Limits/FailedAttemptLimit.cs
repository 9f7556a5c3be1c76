namespace Gateway.Domain.Limits;

/// <summary>
/// How many failed attempts (wrong keys, failed portal sign-ins) one client may make in a window before it is refused
/// for the rest of that window, and how many clients are tracked at once (which bounds the memory it takes).
/// </summary>
public sealed record FailedAttemptLimit(int Attempts, TimeSpan Window, int MaxTracked = FailedAttemptLimit.DefaultMaxTracked)
{
    /// <summary>About 10 MB of counters for IP addresses; enough for every client of a busy gateway in one window.</summary>
    public const int DefaultMaxTracked = 100_000;

    /// <summary>Ten wrong attempts a minute: more than a person mistyping, far fewer than a script guessing.</summary>
    public static FailedAttemptLimit Default { get; } = new(10, TimeSpan.FromMinutes(1));

    /// <summary>A limit of 0 attempts turns the limit off.</summary>
    public bool IsOff => Attempts <= 0;
}
