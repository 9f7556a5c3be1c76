using Gateway.Api.Proxy;

namespace Gateway.Api.Routing;

/// <summary>One call the router is to place: the request and what steers it.</summary>
public sealed class RouteRequest(ProxyRequest request, Guid requestId, DateTimeOffset startedAt)
{
    public ProxyRequest Request { get; } = request;
    public Guid RequestId { get; } = requestId;
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Sends for a client of another API (/v1/messages), which may call its provider natively.</summary>
    public ClientDialect? Dialect { get; init; }

    /// <summary>The request's tags (body <c>tags</c>, <c>metadata.tags</c>, header <c>x-litellm-tags</c>), for tag routing.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The client's own fallbacks (body <c>fallbacks</c>), which replace the configured ones for this call.</summary>
    public IReadOnlyList<string>? ClientFallbacks { get; init; }

    public bool DisableFallbacks { get; init; }

    /// <summary>Whether the caller may use a model group; fallbacks to groups the caller may not use are skipped.</summary>
    public Func<string, bool> MayUse { get; init; } = static _ => true;

    /// <summary>The deployment the router sent to last: what a call the client abandoned had started on.</summary>
    public Deployment? Attempted { get; internal set; }
}

/// <summary>
/// Where a call ended up: the reply (a body, a stream whose first chunk has arrived, or the error to answer with), the
/// deployment that gave it (the last one tried when all failed; null when none could be tried), and how many retries
/// and fallbacks it took.
/// </summary>
public sealed record RouteResult(Providers.UpstreamReply Reply, Deployment? Deployment, int Retries, int Fallbacks);
