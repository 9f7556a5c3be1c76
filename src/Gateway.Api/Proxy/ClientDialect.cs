using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Domain.Pricing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Proxy;

/// <summary>
/// A client that speaks another API than OpenAI's (Anthropic's <c>/v1/messages</c>) riding the one proxy pipeline, so
/// authentication, limits, budgets, routing, spend and events apply unchanged: its body is translated to the OpenAI
/// request the pipeline routes and charges, and replies, streams and errors are written back in its own format.
/// One instance per request: it may keep the state a translation needs.
/// </summary>
public abstract class ClientDialect
{
    /// <summary>The OpenAI chat request for <paramref name="body"/>, or null with the error to answer with.</summary>
    public abstract RequestBody? ToOpenAI(RequestBody body, out ApiError? error);

    /// <summary>Sends the call: to the deployment's provider, or natively where the provider speaks the dialect.</summary>
    public virtual ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct) =>
        call.Deployment.Provider.SendAsync(call, ct);

    /// <summary>Usage in a reply body or stream item as <see cref="SendAsync"/> returned it (see <see cref="UsageReader"/>).</summary>
    public virtual bool TryReadUsage(ReadOnlySpan<byte> json, out TokenUsage usage, out bool usageOnly) =>
        UsageReader.TryRead(json, out usage, out usageOnly);

    /// <summary>The client's body for a complete reply; false with an error when the reply cannot be translated.</summary>
    public abstract bool TryToClientBody(ReadOnlyMemory<byte> reply, out ReadOnlyMemory<byte> body, out ApiError? error);

    /// <summary>Writes one stream item (and flushes); called for every item, usage-only ones included.</summary>
    public abstract ValueTask WriteChunkAsync(HttpResponse response, ReadOnlyMemory<byte> chunk, CancellationToken ct);

    /// <summary>Ends a stream that completed.</summary>
    public abstract ValueTask WriteEndAsync(HttpResponse response, CancellationToken ct);

    /// <summary>Ends a stream that broke after it started.</summary>
    public abstract ValueTask WriteStreamErrorAsync(HttpResponse response, ApiError error, CancellationToken ct);

    /// <summary>Answers with an error before anything was sent.</summary>
    public abstract Task WriteErrorAsync(HttpContext context, ApiError error);
}
