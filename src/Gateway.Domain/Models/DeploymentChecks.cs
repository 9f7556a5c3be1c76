using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Models;

/// <summary>The checks and refusals shared by adding, changing and removing a deployment.</summary>
internal static class DeploymentChecks
{
    /// <summary>Keys of model_info that are not stored with it: the id is the stream's, db_model is the answer's.</summary>
    static readonly string[] DerivedInfo = ["id", "db_model"];

    public static Decision? Params(IReadOnlyDictionary<string, JsonElement> litellmParams, DeploymentRules rules)
    {
        if (!litellmParams.TryGetValue("model", out var modelValue) || modelValue.ValueKind == JsonValueKind.Null)
            return Decision.Invalid("litellm_params.model",
                "litellm_params.model is missing; say which provider and model to call, e.g. openai/gpt-4o.");
        if (modelValue.ValueKind != JsonValueKind.String)
            return Decision.Invalid("litellm_params.model", "litellm_params.model must be a string such as openai/gpt-4o.");
        var model = modelValue.GetString()!;
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == model.Length - 1)
            return Decision.Invalid("litellm_params.model",
                $"litellm_params.model must be '<provider>/<model>', e.g. openai/gpt-4o, got '{model}'.");
        var provider = model[..slash];
        if (!rules.KnowsProvider(provider))
            return Decision.Invalid("litellm_params.model",
                $"Unknown provider '{provider}'. Supported here: {string.Join(", ", rules.Providers)}. " +
                "Any OpenAI-compatible server works as openai/<model> with api_base.");

        foreach (var (name, value) in litellmParams)
        {
            if (Storable(name, value, "litellm_params") is { } unstorable)
                return unstorable;
            // The guard that keeps clear-text credentials out of the event store, whoever built the command.
            if (CredentialFields.IsCredential(name) && value.ValueKind != JsonValueKind.Null
                && !CredentialSeal.IsSealed(value) && !CredentialFields.IsEnvironmentReference(value))
                return Decision.Invalid($"litellm_params.{name}",
                    $"litellm_params.{name} is a credential and must be sealed before it is stored; the gateway never keeps one in clear text.");
        }
        return null;
    }

    /// <summary>model_info's values are the caller's own, of any length, but must be storable (<see cref="StorableText"/>).</summary>
    public static Decision? StorableInfo(IReadOnlyDictionary<string, JsonElement>? modelInfo)
    {
        foreach (var (name, value) in modelInfo ?? new Dictionary<string, JsonElement>())
            if (Storable(name, value, "model_info") is { } unstorable)
                return unstorable;
        return null;
    }

    static Decision? Storable(string name, JsonElement value, string map) =>
        (StorableText.TextProblem(name) ?? StorableText.JsonProblem(value)) is { } problem
            ? Decision.Invalid($"{map}.{name}", $"{map}.{name} {problem}.")
            : null;

    public static Dictionary<string, JsonElement> Info(IReadOnlyDictionary<string, JsonElement>? modelInfo)
    {
        var info = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in modelInfo ?? new Dictionary<string, JsonElement>())
            if (!DerivedInfo.Contains(name, StringComparer.Ordinal) && value.ValueKind != JsonValueKind.Null)
                info[name] = value;
        return info;
    }

    /// <summary>A map with a patch laid over it: a key set to null is removed, any other replaces or adds.</summary>
    public static Dictionary<string, JsonElement> Patched(IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> patch)
    {
        var result = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        foreach (var (name, value) in patch)
        {
            if (value.ValueKind == JsonValueKind.Null)
                result.Remove(name);
            else
                result[name] = value;
        }
        return result;
    }

    public static bool Same(IReadOnlyDictionary<string, JsonElement> a, IReadOnlyDictionary<string, JsonElement> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && JsonElement.DeepEquals(pair.Value, other));

    public static Decision? ServedOrRefused(StoredDeployment candidate, DeploymentRules rules) =>
        rules.CanServe(candidate) is { } refused ? Decision.Reject(refused.Kind, refused.Message, refused.Field) : null;

    /// <summary>The refusal for a deployment that is not stored: read-only when config.yaml has it, else not found.</summary>
    public static Decision NotStored(string deploymentId, DeploymentRules rules) => rules.ConfigIds.Contains(deploymentId)
        ? Decision.Invalid("model_info.id",
            $"Model {deploymentId} comes from config.yaml and is read-only here: change it in the config file (and restart), " +
            "or add a model of your own with /model/new.")
        : Decision.Reject(RejectionKind.NotFound, $"Model {deploymentId} not found on proxy.", "model_info.id");

    public static Decision? Id(string deploymentId) => FieldRules.Id(deploymentId, "model_info.id");

    public static Decision? ModelName(string? modelName) => modelName is null ? null : FieldRules.Id(modelName, "model_name");
}
