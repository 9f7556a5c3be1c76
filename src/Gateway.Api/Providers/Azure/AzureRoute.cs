using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Azure;

/// <summary>
/// Where and how one Azure OpenAI deployment is called, worked out once per deployment:
/// <list type="bullet">
/// <item>the api-version: <c>litellm_params.api_version</c>, else <c>AZURE_API_VERSION</c>, else <see cref="DefaultApiVersion"/>;</item>
/// <item>the URL: <c>{api_base}/openai/deployments/{deployment}/{chat/completions|completions|embeddings}?api-version=…</c>,
/// or, for api-version <c>v1</c>, <c>latest</c> or <c>preview</c> (as LiteLLM reads them), Azure's OpenAI-style
/// <c>{api_base}/openai/v1/…</c> with the deployment name as <c>model</c> (and <c>?api-version=preview</c> for preview);</item>
/// <item>the credential: <c>azure_ad_token</c> from litellm_params as <c>Authorization: Bearer</c>, else the key as
/// <c>api-key</c>, else <c>AZURE_AD_TOKEN</c> from the environment as a bearer token.</item>
/// </list>
/// </summary>
public sealed class AzureRoute
{
    /// <summary>The version LiteLLM sends when none is configured (its <c>AZURE_DEFAULT_API_VERSION</c>).</summary>
    public const string DefaultApiVersion = "2025-02-01-preview";

    /// <summary>
    /// The first dated version known to accept <c>stream_options.include_usage</c> (older ones answer 400); with an
    /// older one the gateway counts the stream's tokens itself.
    /// </summary>
    const string FirstVersionWithStreamUsage = "2024-09-01";

    readonly Uri _chat;
    readonly Uri _completions;
    readonly Uri _embeddings;

    AzureRoute(Uri chat, Uri completions, Uri embeddings, string apiVersion, bool asksForUsage, string? authHeader, string? authValue)
    {
        _chat = chat;
        _completions = completions;
        _embeddings = embeddings;
        ApiVersion = apiVersion;
        AsksForUsage = asksForUsage;
        AuthHeader = authHeader;
        AuthValue = authValue;
    }

    public string ApiVersion { get; }

    /// <summary>Whether the upstream accepts <c>stream_options</c>; older versions reject it with a 400.</summary>
    public bool AsksForUsage { get; }

    /// <summary><c>api-key</c> or <c>Authorization</c>; null when no credential is configured.</summary>
    public string? AuthHeader { get; }

    /// <summary>The credential. Never logged.</summary>
    public string? AuthValue { get; }

    public Uri For(OpenAIEndpoint endpoint) => endpoint switch
    {
        OpenAIEndpoint.ChatCompletions => _chat,
        OpenAIEndpoint.Completions => _completions,
        _ => _embeddings,
    };

    public static bool IsV1(string apiVersion) =>
        apiVersion.Equals("v1", StringComparison.OrdinalIgnoreCase)
        || apiVersion.Equals("latest", StringComparison.OrdinalIgnoreCase)
        || apiVersion.Equals("preview", StringComparison.OrdinalIgnoreCase);

    public static AzureRoute Resolve(Deployment deployment, Func<string, string?> environment)
    {
        var version = NonEmpty(deployment.ApiVersion) ?? NonEmpty(environment("AZURE_API_VERSION")) ?? DefaultApiVersion;
        var root = ResourceRoot(deployment.ApiBase!);
        var v1 = IsV1(version);

        Uri Url(OpenAIEndpoint endpoint) => v1
            ? new Uri($"{root}/openai/v1/{endpoint.UpstreamPath()}" +
                      (version.Equals("preview", StringComparison.OrdinalIgnoreCase) ? "?api-version=preview" : ""))
            : new Uri($"{root}/openai/deployments/{Uri.EscapeDataString(deployment.UpstreamModel)}/{endpoint.UpstreamPath()}" +
                      $"?api-version={Uri.EscapeDataString(version)}");

        var asksForUsage = v1 || string.CompareOrdinal(version, FirstVersionWithStreamUsage) >= 0;

        var (header, value) = (NonEmpty(deployment.Params.GetValueOrDefault("azure_ad_token") as string), NonEmpty(deployment.ApiKey)) switch
        {
            ({ } token, _) => ("Authorization", $"Bearer {token}"),
            (null, { } key) => ("api-key", key),
            _ => NonEmpty(environment("AZURE_AD_TOKEN")) is { } envToken ? ("Authorization", $"Bearer {envToken}") : ((string?)null, (string?)null),
        };

        return new AzureRoute(Url(OpenAIEndpoint.ChatCompletions), Url(OpenAIEndpoint.Completions), Url(OpenAIEndpoint.Embeddings),
            version, asksForUsage, header, value);
    }

    /// <summary>
    /// The resource's root URL. Users paste the endpoint as Azure shows it (<c>https://x.openai.azure.com/</c>) and
    /// sometimes with <c>/openai</c> or <c>/openai/v1</c> after it; all mean the same resource.
    /// </summary>
    static string ResourceRoot(Uri apiBase)
    {
        var text = apiBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        foreach (var suffix in (ReadOnlySpan<string>)["/openai/v1", "/openai"])
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return text[..^suffix.Length];
        return text;
    }

    static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
