using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Providers.Gemini;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Vertex;

/// <summary>
/// <c>vertex_ai/&lt;gemini model&gt;</c>: Gemini on Vertex AI at
/// <c>https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent</c>
/// (<c>:streamGenerateContent?alt=sse</c> for streams), with an OAuth bearer token: the one given as api_key, or one
/// obtained for a service account (<see cref="AccessTokens"/>). The request and answer are Gemini's, translated as for
/// <c>gemini/</c> (<see cref="GeminiTransport"/>), but Vertex also reads <c>gs://</c> objects and takes <c>labels</c>.
/// Vertex's embedding models use another API (<c>:predict</c>) that is not served here.
/// </summary>
public sealed class VertexProvider(UpstreamClients clients, long maxResponseBytes, Func<string, string?> environment, TimeProvider? time = null) : Provider
{
    public const string Name = "vertex_ai";

    /// <summary>The preset's api_base: stands for "the location's endpoint", filled in once the location is known.</summary>
    public const string GlobalEndpoint = "https://aiplatform.googleapis.com";

    readonly GeminiTransport _transport = new(clients, maxResponseBytes);
    readonly AccessTokens _tokens = new(clients, time ?? TimeProvider.System);
    readonly ConditionalWeakTable<Deployment, VertexTarget> _targets = new();

    public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        if (call.Request.Endpoint != OpenAIEndpoint.ChatCompletions)
            return new UpstreamFailure(new ApiError(400, "invalid_request_error",
                $"{deployment.QualifiedModel} serves /v1/chat/completions only here, not {call.Request.Endpoint.Describe()}.", "model", "400"));

        var target = _targets.GetValue(deployment, d => VertexTarget.Resolve(d, environment));
        if (target.Problem is { } problem)
            return new UpstreamFailure(problem);

        var token = target.AccessToken;
        if (token is null)
        {
            var (fetched, error) = await _tokens.GetAsync(target.Account!, ct);
            if (error is not null)
                return new UpstreamFailure(error);
            token = fetched!;
        }

        var bearer = new AuthenticationHeaderValue("Bearer", token);
        return await _transport.SendAsync(call, GeminiApi.VertexAI,
            new GeminiTarget(target.Generate!, target.StreamGenerate!, null, message => message.Headers.Authorization = bearer), ct);
    }
}
