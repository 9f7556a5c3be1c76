using System.Text.Json;

namespace Gateway.Domain.Models;

/// <summary>
/// POST /model/update and PATCH /model/{id}/update (and the portal's edit): a new <c>model_name</c>, and patches of
/// <c>litellm_params</c> and <c>model_info</c> in which a key set to null is removed and any other replaces or adds.
/// A credential left out stays as stored; one sent must already be sealed. Only deployments added at runtime change
/// here: config.yaml's are read-only.
/// </summary>
public sealed record UpdateDeployment(
    string DeploymentId,
    string? ModelName = null,
    IReadOnlyDictionary<string, JsonElement>? LitellmParams = null,
    IReadOnlyDictionary<string, JsonElement>? ModelInfo = null)
{
    /// <returns>No events when the command changes nothing.</returns>
    public static Decision Decide(UpdateDeployment command, StoredDeployment? stored, DeploymentRules rules, string by, DateTimeOffset now)
    {
        if (stored is null || stored.Removed)
            return DeploymentChecks.NotStored(command.DeploymentId, rules);
        if (command.LitellmParams is { } patch && patch.TryGetValue("model", out var model) && model.ValueKind == JsonValueKind.Null)
            return Decision.Invalid("litellm_params.model", "litellm_params.model cannot be removed; every model needs one.");

        var litellmParams = command.LitellmParams is null ? stored.LitellmParams : DeploymentChecks.Patched(stored.LitellmParams, command.LitellmParams);
        var info = command.ModelInfo is null ? stored.ModelInfo : DeploymentChecks.Info(DeploymentChecks.Patched(stored.ModelInfo, command.ModelInfo));
        var refusal = DeploymentChecks.ModelName(command.ModelName) ?? DeploymentChecks.Params(litellmParams, rules)
            ?? DeploymentChecks.StorableInfo(command.ModelInfo);
        if (refusal is not null)
            return refusal;

        var updated = new DeploymentUpdated(stored.DeploymentId, now, by,
            command.ModelName is { } name && name != stored.ModelName ? name : null,
            DeploymentChecks.Same(litellmParams, stored.LitellmParams) ? null : litellmParams,
            DeploymentChecks.Same(info, stored.ModelInfo) ? null : info);
        if (updated is { ModelName: null, LitellmParams: null, ModelInfo: null })
            return Decision.Accept();
        return DeploymentChecks.ServedOrRefused(stored.Apply(updated), rules) ?? Decision.Accept(updated);
    }
}
