using System.Collections.Concurrent;
using Gateway.Domain.Models;
using Gateway.Portal.Features.Models;

namespace Gateway.Api.Routing;

/// <summary>
/// The portal's view of what this node serves: every deployment of the <see cref="DeploymentCatalog"/> with its health
/// (the newer of the background checks' last round and the portal's own check) and its cooldown, and the stored
/// deployments left out with their reason. No credential leaves here, only whether one is set.
/// </summary>
public sealed class ServedModels(
    DeploymentCatalog catalog, StoredDeployments stored, DeploymentHealth health, BackgroundHealthChecks background, TimeProvider time) : IServedModels
{
    readonly ConcurrentDictionary<string, ProbeResult> _checked = new(StringComparer.Ordinal);

    public DeploymentRules Rules => stored.Rules;

    public IReadOnlyList<ModelRow> Deployments()
    {
        var latest = new Dictionary<string, ProbeResult>(_checked, StringComparer.Ordinal);
        foreach (var result in background.Latest ?? [])
            if (!latest.TryGetValue(result.Deployment.Id, out var known) || known.At < result.At)
                latest[result.Deployment.Id] = result;

        var now = time.GetUtcNow();
        var rows = new List<ModelRow>();
        foreach (var deployment in catalog.FromConfig.Groups.Values.SelectMany(g => g.Deployments))
            rows.Add(Row(deployment, ModelSource.Config, latest, now));
        foreach (var state in catalog.Stored)
        {
            rows.Add(state.Served is { } served
                ? Row(served, ModelSource.Database, latest, now)
                : Unserved(state));
        }
        return rows;
    }

    public async Task CheckHealthAsync(CancellationToken ct)
    {
        foreach (var result in await DeploymentProbe.ProbeAllAsync(catalog.Current.Groups.Values, time, ct))
            _checked[result.Deployment.Id] = result;
    }

    ModelRow Row(Deployment deployment, ModelSource source, Dictionary<string, ProbeResult> latest, DateTimeOffset now)
    {
        var check = latest.GetValueOrDefault(deployment.Id);
        var cooling = health.CoolingFor(deployment);
        return new ModelRow(
            deployment.Id, deployment.ModelGroup, deployment.ProviderName, deployment.UpstreamModel,
            deployment.ApiBase?.GetLeftPart(UriPartial.Path), source, deployment.ApiKey is not null,
            deployment.Price.InputCostPerToken, deployment.Price.OutputCostPerToken,
            check?.Healthy, check?.Error, check?.At, cooling > TimeSpan.Zero ? now + cooling : null);
    }

    static ModelRow Unserved(StoredDeploymentState state)
    {
        var model = state.Stored.Model ?? "";
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        var apiBase = state.Stored.LitellmParams.TryGetValue("api_base", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;
        return new ModelRow(state.Stored.DeploymentId, state.Stored.ModelName, slash > 0 ? model[..slash] : model,
            slash >= 0 ? model[(slash + 1)..] : "", apiBase, ModelSource.Database,
            state.Stored.LitellmParams.Keys.Any(CredentialFields.IsCredential), null, null, Problem: state.Problem);
    }
}
