using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers;

/// <summary>
/// Sends one call to one deployment and answers in OpenAI's wire format: a whole response body, a stream of
/// chunks, or an error. Providers translate both ways; the proxy pipeline never sees a provider's own format.
/// </summary>
public abstract class Provider
{
    public abstract ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct);
}

/// <summary>What a provider is asked to do.</summary>
public sealed record UpstreamCall(ProxyRequest Request, Deployment Deployment, Guid RequestId, DateTimeOffset StartedAt);
