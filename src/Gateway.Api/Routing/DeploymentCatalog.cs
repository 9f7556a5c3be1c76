using Gateway.Domain.Models;

namespace Gateway.Api.Routing;

/// <summary>A deployment kept in the database, and whether this gateway serves it (or why not).</summary>
public sealed record StoredDeploymentState(StoredDeployment Stored, Deployment? Served, string? Problem);

/// <summary>
/// What the gateway routes to now: config.yaml's deployments and those added at runtime, as one immutable
/// <see cref="DeploymentTable"/> swapped whole when a deployment is added, changed or removed (here or on another
/// node). The hot path reads <see cref="Current"/> once per request: no lock, no allocation.
/// </summary>
public sealed class DeploymentCatalog(DeploymentTable fromConfig)
{
    DeploymentTable _current = fromConfig;
    IReadOnlyList<StoredDeploymentState> _stored = [];

    /// <summary>The table built from config.yaml alone, at start-up; it never changes while the gateway runs.</summary>
    public DeploymentTable FromConfig { get; } = fromConfig;

    public DeploymentTable Current => Volatile.Read(ref _current);

    /// <summary>Every deployment kept in the database (not removed), served or not, as of the last rebuild.</summary>
    public IReadOnlyList<StoredDeploymentState> Stored => Volatile.Read(ref _stored);

    internal void Publish(DeploymentTable table, IReadOnlyList<StoredDeploymentState> stored)
    {
        Volatile.Write(ref _stored, stored);
        Volatile.Write(ref _current, table);
    }
}
