using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Models;

/// <summary>
/// The models page's server side: everyone signed in may list the deployments (no credentials anywhere); only admins
/// add, change or remove those kept in the database, through the same decisions as LiteLLM's /model/* routes.
/// Every method checks the user's rights itself, whatever the page offered.
/// </summary>
public interface IModelsClient
{
    Task<PortalResult<ModelPage>> ListAsync(SignedInUser who, ModelListQuery query, CancellationToken ct);

    /// <summary>The provider prefixes a model may use (<c>openai</c>, <c>anthropic</c>, …).</summary>
    IReadOnlyList<string> Providers();

    /// <summary>A stored model's settings for the edit dialog; its credential is never among them.</summary>
    Task<PortalResult<ModelSettings>> SettingsAsync(SignedInUser who, string deploymentId, CancellationToken ct);

    Task<PortalResult<ModelRow>> AddAsync(SignedInUser who, ModelSettings settings, CancellationToken ct);

    /// <summary>Saves every field the dialog shows; an empty API key leaves the stored one as it is.</summary>
    Task<PortalResult<ModelRow>> UpdateAsync(SignedInUser who, string deploymentId, ModelSettings settings, CancellationToken ct);

    Task<PortalResult<string>> RemoveAsync(SignedInUser who, string deploymentId, CancellationToken ct);

    /// <summary>Probes every served deployment now; the number probed.</summary>
    Task<PortalResult<int>> CheckHealthAsync(SignedInUser who, CancellationToken ct);
}

/// <summary>One page of deployments. <paramref name="Page"/> counts from 0; <paramref name="SortBy"/> names a <see cref="ModelRow"/> property.</summary>
public sealed record ModelListQuery(int Page, int PageSize, string? Search = null, string? SortBy = null, bool Descending = false);

public sealed record ModelPage(IReadOnlyList<ModelRow> Rows, int Total);
