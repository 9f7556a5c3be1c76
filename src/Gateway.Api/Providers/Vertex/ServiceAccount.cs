using System.Text.Json;

namespace Gateway.Api.Providers.Vertex;

/// <summary>
/// The fields of a Google service-account key file (<c>"type": "service_account"</c>) that getting an access token
/// needs. The private key is a secret: never logged, never returned.
/// </summary>
internal sealed record ServiceAccount(string ClientEmail, string PrivateKeyPem, string? PrivateKeyId, Uri TokenUri, string? ProjectId)
{
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>Reads a key file's JSON; the reason it cannot be used otherwise.</summary>
    public static ServiceAccount? Parse(string json, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

            if (Text("type") is { } type && type != "service_account")
            {
                problem = $"the credentials are of type '{type}'; only service-account keys (\"type\": \"service_account\") are supported here, or give an access token as api_key.";
                return null;
            }
            var email = Text("client_email");
            var key = Text("private_key");
            if (email is null || key is null)
            {
                problem = "the credentials have no client_email or private_key; give a service-account key file.";
                return null;
            }
            var tokenUri = Text("token_uri") ?? DefaultTokenUri;
            if (!Uri.TryCreate(tokenUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                problem = "the credentials' token_uri is not an http(s) URL.";
                return null;
            }
            return new ServiceAccount(email, key, Text("private_key_id"), uri, Text("project_id"));
        }
        catch (JsonException)
        {
            problem = "the credentials are not JSON; give a service-account key file's contents or its path.";
            return null;
        }
    }
}
