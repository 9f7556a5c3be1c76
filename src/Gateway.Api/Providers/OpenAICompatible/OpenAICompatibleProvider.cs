using System.Net.Http.Headers;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;

namespace Gateway.Api.Providers.OpenAICompatible;

/// <summary>
/// Any upstream that speaks OpenAI's API: OpenAI itself, vLLM, LM Studio and the OpenAI-compatible vendors.
/// The request body is forwarded as bytes with only the model name (and a usage request on streams) changed;
/// responses and chunks pass through as they arrive (<see cref="OpenAIForwarder"/>).
/// </summary>
public sealed class OpenAICompatibleProvider(UpstreamClients clients, long maxResponseBytes) : Provider
{
    readonly OpenAIForwarder _forwarder = new(clients, maxResponseBytes);

    public override ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var request = call.Request;
        if (deployment.ApiBase is null)
            return ValueTask.FromResult<UpstreamReply>(new UpstreamFailure(ApiError.UpstreamUnreachable(deployment.ProviderName,
                $"deployment {deployment.Id} has no api_base; set litellm_params.api_base.")));

        var uri = new Uri(deployment.ApiBase.AbsoluteUri.TrimEnd('/') + "/" + request.Endpoint.UpstreamPath());
        var body = RequestRewriter.Rewrite(request.Body.Span, deployment.UpstreamModel, request.Stream);
        var message = OpenAIForwarder.NewRequest(uri, body, request.Stream);
        if (!string.IsNullOrEmpty(deployment.ApiKey))
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deployment.ApiKey);
        if (!string.IsNullOrEmpty(deployment.Organization))
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", deployment.Organization);

        return _forwarder.ForwardAsync(message, call, UpstreamErrors.FromResponse, drop: null, ct);
    }
}
