using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// <c>gemini/&lt;model&gt;</c>: Google AI Studio's Generative Language API. Chat goes to
/// <c>POST {api_base}/v1beta/models/{model}:generateContent</c> (<c>:streamGenerateContent?alt=sse</c> for streams),
/// embeddings to <c>:batchEmbedContents</c>; the key travels in <c>x-goog-api-key</c>. Translation both ways is shared
/// with Vertex AI (<see cref="GeminiTransport"/>).
/// </summary>
public sealed class GeminiProvider(UpstreamClients clients, long maxResponseBytes) : Provider
{
    public const string Name = "gemini";
    public const string DefaultApiBase = "https://generativelanguage.googleapis.com";

    readonly GeminiTransport _transport = new(clients, maxResponseBytes);

    // Built once per deployment; a config change builds new deployments, and their entries go with the old ones.
    readonly ConditionalWeakTable<Deployment, GeminiTarget> _targets = new();

    public override ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        if (call.Request.Endpoint == OpenAIEndpoint.Completions)
            return Refuse(new ApiError(400, "invalid_request_error",
                $"{deployment.QualifiedModel} serves /v1/chat/completions and /v1/embeddings; Gemini has no legacy completions.", "model", "400"));
        if (deployment.ApiBase is null)
            return Refuse(ApiError.UpstreamUnreachable(deployment.ProviderName, $"deployment {deployment.Id} has no api_base."));
        // Google answers a missing key with a 403 that hides the cause; a proxy in between (a custom api_base) may not need one.
        if (string.IsNullOrEmpty(deployment.ApiKey) && deployment.ApiBase.Host == new Uri(DefaultApiBase).Host)
            return Refuse(new ApiError(401, "authentication_error",
                $"{deployment.ProviderName}: no API key for {deployment.QualifiedModel}; set litellm_params.api_key or GEMINI_API_KEY.", null, "401"));

        return _transport.SendAsync(call, GeminiApi.GoogleAIStudio, _targets.GetValue(deployment, Target), ct);
    }

    static ValueTask<UpstreamReply> Refuse(ApiError error) => ValueTask.FromResult<UpstreamReply>(new UpstreamFailure(error));

    /// <summary>
    /// <c>{api_base}/v1beta/models/{model}:{method}</c>. An api_base that already ends in a version (<c>…/v1beta</c>,
    /// <c>…/v1</c>) keeps it, so a proxy in front of Google can be given either way.
    /// </summary>
    static GeminiTarget Target(Deployment deployment)
    {
        var root = deployment.ApiBase!.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (!root.EndsWith("/v1beta", StringComparison.OrdinalIgnoreCase) && !root.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
            root += "/v1beta";
        var model = GeminiEmbeddings.ModelName(deployment.UpstreamModel);
        var key = deployment.ApiKey;
        return new GeminiTarget(
            new Uri($"{root}/{model}:generateContent"),
            new Uri($"{root}/{model}:streamGenerateContent?alt=sse"),
            new Uri($"{root}/{model}:batchEmbedContents"),
            message =>
            {
                if (!string.IsNullOrEmpty(key))
                    message.Headers.TryAddWithoutValidation("x-goog-api-key", key);
            });
    }
}
