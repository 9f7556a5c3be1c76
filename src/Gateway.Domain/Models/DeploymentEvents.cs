using System.Text.Json;

namespace Gateway.Domain.Models;

// A model deployment added at runtime (POST /model/new or the portal), on its own stream:
// StreamIds.Deployment(DeploymentId). Deployments from config.yaml have no events: the file is their record.
// Credential fields of LitellmParams hold sealed values (CredentialSeal) or os.environ/NAME references, never clear text.
// Every event says when (At) and who acted (By).

public sealed record DeploymentAdded(
    string DeploymentId,
    string ModelName,
    IReadOnlyDictionary<string, JsonElement> LitellmParams,
    IReadOnlyDictionary<string, JsonElement> ModelInfo,
    DateTimeOffset At,
    string By);

/// <summary>What changed: a null property is unchanged; a map is the whole new <c>litellm_params</c> or <c>model_info</c>.</summary>
public sealed record DeploymentUpdated(
    string DeploymentId,
    DateTimeOffset At,
    string By,
    string? ModelName = null,
    IReadOnlyDictionary<string, JsonElement>? LitellmParams = null,
    IReadOnlyDictionary<string, JsonElement>? ModelInfo = null);

public sealed record DeploymentRemoved(string DeploymentId, DateTimeOffset At, string By);
