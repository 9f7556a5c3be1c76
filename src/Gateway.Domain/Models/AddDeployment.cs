using System.Text.Json;

namespace Gateway.Domain.Models;

/// <summary>
/// POST /model/new (and the portal's "Add a model"): <c>{model_name, litellm_params, model_info}</c>. The id is
/// <c>model_info.id</c> when given, else a new one. Credential fields must already be sealed.
/// </summary>
public sealed record AddDeployment(
    string DeploymentId,
    string ModelName,
    IReadOnlyDictionary<string, JsonElement> LitellmParams,
    IReadOnlyDictionary<string, JsonElement>? ModelInfo = null)
{
    /// <param name="existing">The deployment already on this id's stream, removed or not: ids are never reused.</param>
    public static Decision Decide(AddDeployment command, StoredDeployment? existing, DeploymentRules rules, string by, DateTimeOffset now)
    {
        var refusal = DeploymentChecks.Id(command.DeploymentId)
            ?? DeploymentChecks.ModelName(command.ModelName)
            ?? DeploymentChecks.Params(command.LitellmParams, rules)
            ?? DeploymentChecks.StorableInfo(command.ModelInfo);
        if (refusal is not null)
            return refusal;
        if (rules.ConfigIds.Contains(command.DeploymentId))
            return Decision.Reject(RejectionKind.Conflict,
                $"Model id {command.DeploymentId} is already used by a deployment in config.yaml; choose another id, or leave model_info.id out.",
                "model_info.id");
        if (existing is not null)
            return Decision.Reject(RejectionKind.Conflict, existing.Removed
                ? $"Model id {command.DeploymentId} belonged to a model removed on {existing.UpdatedAt:yyyy-MM-dd}; ids are not reused. Leave model_info.id out to get a new one."
                : $"A model with id {command.DeploymentId} already exists.", "model_info.id");

        var added = new DeploymentAdded(command.DeploymentId, command.ModelName,
            new Dictionary<string, JsonElement>(command.LitellmParams, StringComparer.Ordinal), DeploymentChecks.Info(command.ModelInfo), now, by);
        return DeploymentChecks.ServedOrRefused(StoredDeployment.Create(added), rules) ?? Decision.Accept(added);
    }
}
