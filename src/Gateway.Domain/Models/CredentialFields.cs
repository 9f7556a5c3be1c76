using System.Text.Json;

namespace Gateway.Domain.Models;

/// <summary>
/// Which <c>litellm_params</c> hold a credential: the names providers use for them (<c>api_key</c>,
/// <c>aws_access_key_id</c>, <c>aws_secret_access_key</c>, <c>aws_session_token</c>, <c>vertex_credentials</c>,
/// <c>azure_ad_token</c>, <c>client_secret</c>, and <c>extra_headers</c>/<c>headers</c>, which often carry an
/// <c>Authorization</c> header, …) and any name ending in <c>_key</c>, <c>_secret</c>, <c>_token</c>,
/// <c>_password</c> or <c>_credentials</c>, except prices (<c>input_cost_per_token</c> names a cost, not a token).
/// Such a field is sealed before it is stored and never shown back; an <c>os.environ/NAME</c> reference is not a
/// secret and is kept as written.
/// </summary>
public static class CredentialFields
{
    public const string EnvironmentPrefix = "os.environ/";

    static readonly HashSet<string> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        "api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_bearer_token",
        "vertex_credentials", "azure_ad_token", "client_secret", "password", "extra_headers", "headers",
    };

    static readonly string[] Endings = ["_key", "_secret", "_token", "_password", "_credentials"];

    public static bool IsCredential(string name)
    {
        if (Named.Contains(name))
            return true;
        if (name.Contains("cost", StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (var ending in Endings)
            if (name.EndsWith(ending, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>An <c>os.environ/NAME</c> reference: the secret stays in the environment, only its name is stored.</summary>
    public static bool IsEnvironmentReference(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(EnvironmentPrefix, StringComparison.Ordinal);

    /// <summary>The params without any credential field, for answers, read models and the portal.</summary>
    public static Dictionary<string, JsonElement> Without(IReadOnlyDictionary<string, JsonElement> litellmParams)
    {
        var shown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in litellmParams)
            if (!IsCredential(name))
                shown[name] = value;
        return shown;
    }
}
