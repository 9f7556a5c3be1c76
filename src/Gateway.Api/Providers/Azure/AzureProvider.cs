using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Providers.OpenAICompatible;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Azure;

/// <summary>
/// Azure OpenAI (<c>azure/&lt;deployment-name&gt;</c>): OpenAI's request and response bodies at Azure's URLs with Azure's
/// credentials (see <see cref="AzureRoute"/>), forwarded like any OpenAI-compatible upstream. Azure's extras pass
/// through (<c>content_filter_results</c>, finish reason <c>content_filter</c>), except the stream chunks that carry
/// only filter annotations (<see cref="AzureChunks"/>), which OpenAI clients do not expect.
/// </summary>
public sealed class AzureProvider(UpstreamClients clients, long maxResponseBytes, Func<string, string?> environment) : Provider
{
    readonly OpenAIForwarder _forwarder = new(clients, maxResponseBytes);

    /// <summary>Routes are resolved once per deployment; a config change builds new deployments and so new routes.</summary>
    readonly ConditionalWeakTable<Deployment, AzureRoute> _routes = new();

    public override ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var request = call.Request;
        if (deployment.ApiBase is null)
            return ValueTask.FromResult<UpstreamReply>(new UpstreamFailure(ApiError.UpstreamUnreachable(deployment.ProviderName,
                $"deployment {deployment.Id} has no api_base; set litellm_params.api_base to https://<resource>.openai.azure.com.")));

        var route = _routes.TryGetValue(deployment, out var known) ? known : _routes.GetValue(deployment, d => AzureRoute.Resolve(d, environment));
        var body = RequestRewriter.Rewrite(request.Body.Span, deployment.UpstreamModel, request.Stream, route.AsksForUsage);
        var message = OpenAIForwarder.NewRequest(route.For(request.Endpoint), body, request.Stream);
        if (route.AuthHeader is { } header)
            message.Headers.TryAddWithoutValidation(header, route.AuthValue);

        return _forwarder.ForwardAsync(message, call, AzureErrors.FromResponse, AzureChunks.IsFilterAnnotation, ct);
    }
}
