using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Providers.Gemini;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Vertex;

/// <summary>
/// Where and as whom one <c>vertex_ai/</c> deployment calls, resolved once per deployment as LiteLLM resolves it:
/// the project (<c>vertex_project</c>, else VERTEXAI_PROJECT or GOOGLE_CLOUD_PROJECT, else the service account's),
/// the location (<c>vertex_location</c>, else VERTEXAI_LOCATION, else us-central1; <c>global</c> has no regional host),
/// the model's method URLs, and the credential: an OAuth access token given as <c>api_key</c>, or a service-account key
/// (<c>vertex_credentials</c> as the key file's JSON, a YAML map of it, or its path; else the file
/// GOOGLE_APPLICATION_CREDENTIALS names). A deployment that cannot be called holds the reason instead.
/// </summary>
internal sealed class VertexTarget
{
    const string DefaultLocation = "us-central1";

    public Uri? Generate { get; private init; }
    public Uri? StreamGenerate { get; private init; }
    public string? AccessToken { get; private init; }
    public ServiceAccount? Account { get; private init; }
    public ApiError? Problem { get; private init; }

    public static VertexTarget Resolve(Deployment deployment, Func<string, string?> environment)
    {
        string? Param(string name) =>
            deployment.Params.TryGetValue(name, out var value) && value is not IReadOnlyDictionary<string, object?>
            && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null;
        string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

        // 1. The credential: explicit config first, then the environment, as LiteLLM and Google's libraries look.
        ServiceAccount? account = null;
        string? token = deployment.ApiKey is { Length: > 0 } key ? key : null;
        if (token is null)
        {
            var (json, source, problem) = CredentialsJson(deployment, Param("vertex_credentials"), Env("GOOGLE_APPLICATION_CREDENTIALS"));
            if (problem is not null)
                return Misconfigured(problem);
            if (json is null)
                return new VertexTarget
                {
                    Problem = new ApiError(401, "authentication_error",
                        "vertex_ai: no credentials; give an OAuth access token as api_key, a service-account key as vertex_credentials, " +
                        "or set GOOGLE_APPLICATION_CREDENTIALS.", null, "401"),
                };
            account = ServiceAccount.Parse(json, out var why);
            if (account is null)
                return Misconfigured($"{source}: {why}");
        }

        // 2. Where.
        var project = Param("vertex_project") ?? Env("VERTEXAI_PROJECT") ?? Env("VERTEX_PROJECT") ?? Env("GOOGLE_CLOUD_PROJECT") ?? account?.ProjectId;
        if (project is null)
            return Misconfigured("no project: set vertex_project in litellm_params, or VERTEXAI_PROJECT.");
        var location = Param("vertex_location") ?? Env("VERTEXAI_LOCATION") ?? Env("VERTEX_LOCATION") ?? DefaultLocation;
        var root = deployment.ApiBase is { } configured && configured.AbsoluteUri.TrimEnd('/') != VertexProvider.GlobalEndpoint
            ? configured.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : location == "global" ? VertexProvider.GlobalEndpoint : $"https://{location}-aiplatform.googleapis.com";
        if (!root.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) && !root.EndsWith("/v1beta1", StringComparison.OrdinalIgnoreCase))
            root += "/v1";
        var model = $"{root}/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/publishers/google/models/{deployment.UpstreamModel}";

        return new VertexTarget
        {
            Generate = new Uri(model + ":generateContent"),
            StreamGenerate = new Uri(model + ":streamGenerateContent?alt=sse"),
            AccessToken = token,
            Account = account,
        };
    }

    /// <summary>The key file's JSON from <c>vertex_credentials</c> (JSON, a map, or a path) or GOOGLE_APPLICATION_CREDENTIALS (a path).</summary>
    static (string? Json, string Source, string? Problem) CredentialsJson(Deployment deployment, string? configured, string? applicationDefault)
    {
        if (deployment.Params.TryGetValue("vertex_credentials", out var value) && value is IReadOnlyDictionary<string, object?> map)
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>(2048);
            using (var json = new System.Text.Json.Utf8JsonWriter(output))
                ConfigValue.Write(json, map);
            return (System.Text.Encoding.UTF8.GetString(output.WrittenSpan), "vertex_credentials", null);
        }
        if (configured is not null)
        {
            if (configured.TrimStart().StartsWith('{'))
                return (configured, "vertex_credentials", null);
            return ReadFile(configured, "vertex_credentials");
        }
        return applicationDefault is null ? (null, "", null) : ReadFile(applicationDefault, "GOOGLE_APPLICATION_CREDENTIALS");
    }

    static (string? Json, string Source, string? Problem) ReadFile(string path, string source)
    {
        try
        {
            // Read once per deployment (the target is cached), never on every call.
            return (File.ReadAllText(path), source, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, source, $"{source}: cannot read the key file '{path}' ({ex.GetType().Name}).");
        }
    }

    static VertexTarget Misconfigured(string why) =>
        new() { Problem = new ApiError(500, "api_error", $"vertex_ai deployment misconfigured: {why}", null, "500") };
}
