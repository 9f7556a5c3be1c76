using System.Text.Json;
using Gateway.Api.Routing;
using Gateway.Domain.Models;

namespace Gateway.Api.Admin.Models;

/// <summary>
/// A deployment in LiteLLM's <c>/model/info</c> shape: <c>{model_name, litellm_params, model_info: {id, db_model, …}}</c>.
/// No credential field appears, sealed or not: only where the model lives and what it costs.
/// </summary>
public static class ModelView
{
    /// <summary>A deployment listed in config.yaml (or a built-in mock).</summary>
    public static Dictionary<string, object?> FromConfig(Deployment deployment)
    {
        var litellmParams = new Dictionary<string, object?> { ["model"] = deployment.QualifiedModel };
        Put(litellmParams, "api_base", deployment.ApiBase?.ToString());
        Put(litellmParams, "api_version", deployment.ApiVersion);
        Put(litellmParams, "organization", deployment.Organization);
        Put(litellmParams, "rpm", deployment.Rpm);
        Put(litellmParams, "tpm", deployment.Tpm);
        Put(litellmParams, "weight", deployment.HasWeight ? deployment.Weight : null);
        Put(litellmParams, "order", deployment.Order);
        Put(litellmParams, "max_parallel_requests", deployment.MaxParallelRequests);
        Put(litellmParams, "timeout", deployment.Timeout.TotalSeconds);
        Put(litellmParams, "stream_timeout", deployment.StreamTimeout?.TotalSeconds);
        if (deployment.Tags.Count > 0)
            litellmParams["tags"] = deployment.Tags;
        foreach (var (name, value) in deployment.Params)
            if (!CredentialFields.IsCredential(name))
                litellmParams[name] = value;

        var info = Derived(deployment);
        info["id"] = deployment.Id;
        info["db_model"] = false;
        return Entry(deployment.ModelGroup, litellmParams, info);
    }

    /// <summary>A deployment added at runtime; <paramref name="state"/> says whether it serves, and if not why.</summary>
    public static Dictionary<string, object?> FromDatabase(StoredDeploymentState state)
    {
        var stored = state.Stored;
        var info = state.Served is { } served ? Derived(served) : new Dictionary<string, object?>();
        foreach (var (name, value) in stored.ModelInfo)
            info[name] = value;
        info["id"] = stored.DeploymentId;
        info["db_model"] = true;
        info["created_at"] = stored.CreatedAt;
        info["updated_at"] = stored.UpdatedAt;
        if (state.Problem is { } problem)
        {
            info["usable"] = false;
            info["problem"] = problem;
        }
        var litellmParams = CredentialFields.Without(stored.LitellmParams).ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        return Entry(stored.ModelName, litellmParams, info);
    }

    /// <summary>A stored deployment the catalog has not published yet (it is, by the time a command answers).</summary>
    public static Dictionary<string, object?> Of(StoredDeployment stored, DeploymentCatalog catalog) =>
        FromDatabase(catalog.Stored.FirstOrDefault(s => s.Stored.DeploymentId == stored.DeploymentId) ?? new StoredDeploymentState(stored, null, null));

    static Dictionary<string, object?> Derived(Deployment deployment)
    {
        var info = new Dictionary<string, object?> { ["litellm_provider"] = deployment.ProviderName };
        Put(info, "mode", deployment.Mode);
        Put(info, "max_input_tokens", deployment.MaxInputTokens);
        Put(info, "max_output_tokens", deployment.Price.MaxOutputTokens);
        Put(info, "input_cost_per_token", deployment.Price.InputCostPerToken);
        Put(info, "output_cost_per_token", deployment.Price.OutputCostPerToken);
        return info;
    }

    static Dictionary<string, object?> Entry(string modelName, Dictionary<string, object?> litellmParams, Dictionary<string, object?> info) => new()
    {
        ["model_name"] = modelName,
        ["litellm_params"] = litellmParams,
        ["model_info"] = info,
    };

    static void Put(Dictionary<string, object?> map, string name, object? value)
    {
        if (value is not null)
            map[name] = value;
    }

    /// <summary>The string id in a JSON value, or null when it is absent, null, or not a string.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement>? map, string name) =>
        map is not null && map.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
