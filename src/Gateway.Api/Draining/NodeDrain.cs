namespace Gateway.Api.Draining;

/// <summary>
/// Whether this node is draining: told to stop, still serving every call, and saying so on /health/readiness, so that a
/// load balancer's health checks take it out of rotation before it stops listening (docs/multi-node.md).
/// </summary>
public sealed class NodeDrain(TimeSpan period)
{
    int _draining;

    /// <summary>How long the node drains before its graceful stop begins; zero: it stops at once, as a single node does.</summary>
    public TimeSpan Period { get; } = period;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Starts the drain; false when it had already started (a second signal).</summary>
    public bool TryStart() => Interlocked.Exchange(ref _draining, 1) == 0;
}
