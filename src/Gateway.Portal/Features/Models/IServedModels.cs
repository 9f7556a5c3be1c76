using Gateway.Domain.Models;

namespace Gateway.Portal.Features.Models;

/// <summary>
/// What the gateway this portal runs in serves right now, and how each deployment is doing on this node. Implemented by
/// the gateway's router (the portal cannot see it otherwise); the portal's clients ask it, never the hot path directly.
/// </summary>
public interface IServedModels
{
    /// <summary>Every deployment: config.yaml's and those kept in the database (served or not, and why not).</summary>
    IReadOnlyList<ModelRow> Deployments();

    /// <summary>What a model added here must satisfy, for the same decisions the admin API takes.</summary>
    DeploymentRules Rules { get; }

    /// <summary>Probes every served deployment once (one small call each) and keeps the results for <see cref="Deployments"/>.</summary>
    Task CheckHealthAsync(CancellationToken ct);
}

/// <summary>Where a deployment is defined: config.yaml (read-only here) or the database (managed here).</summary>
public enum ModelSource
{
    Config,
    Database,
}

/// <summary>
/// One deployment as the portal shows it: where it lives and what it costs, never a credential (only whether one is set).
/// </summary>
/// <param name="Healthy">The last health check's verdict; null when none ran on this node yet.</param>
/// <param name="CoolingUntil">When this node routes to it again after failures; null when it is not cooling down.</param>
/// <param name="Problem">Why a deployment kept in the database is not served (e.g. its credential cannot be opened).</param>
public sealed record ModelRow(
    string Id,
    string ModelGroup,
    string Provider,
    string UpstreamModel,
    string? ApiBase,
    ModelSource Source,
    bool HasCredential,
    decimal? InputCostPerToken,
    decimal? OutputCostPerToken,
    bool? Healthy = null,
    string? HealthError = null,
    DateTimeOffset? CheckedAt = null,
    DateTimeOffset? CoolingUntil = null,
    string? Problem = null)
{
    public bool Served => Problem is null;

    public bool Editable => Source == ModelSource.Database;

    public string Health => Problem is not null ? "Not served" : Healthy switch
    {
        true => "Healthy",
        false => "Unhealthy",
        null => "Not checked",
    };
}
