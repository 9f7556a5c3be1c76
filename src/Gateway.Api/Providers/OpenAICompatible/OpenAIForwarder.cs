using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.OpenAICompatible;

/// <summary>
/// Sends a request in OpenAI's format and passes the answer through as it arrives: the JSON body (bounded), or
/// the SSE stream's chunks. Shared by every upstream that speaks OpenAI's wire format (OpenAI-compatible servers,
/// Azure OpenAI, Ollama's /v1); they differ only in URL, credentials and the shape of their errors.
/// </summary>
public sealed class OpenAIForwarder(UpstreamClients clients, long maxResponseBytes)
{
    static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>A POST of <paramref name="body"/> as JSON, accepting SSE for streams.</summary>
    public static HttpRequestMessage NewRequest(Uri uri, byte[] body, bool stream)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = Json;
        message.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");
        return message;
    }

    /// <param name="message">The request to send; the forwarder takes it over.</param>
    /// <param name="mapError">Reads the upstream's error bodies (and <c>data: {"error": …}</c> events mid-stream).</param>
    /// <param name="drop">Stream chunks to leave out (e.g. Azure's content-filter annotations); null passes all.</param>
    public async ValueTask<UpstreamReply> ForwardAsync(
        HttpRequestMessage message, UpstreamCall call, UpstreamErrorMap mapError, ChunkFilter? drop, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var stream = call.Request.Stream;
        var (exchange, failure) = await UpstreamExchange.SendAsync(clients, message, deployment, stream, ct);
        if (exchange is null)
            return new UpstreamFailure(failure!);

        try
        {
            if (exchange.Status >= 400)
            {
                var error = await exchange.ReadErrorAsync(mapError);
                await exchange.DisposeAsync();
                return new UpstreamFailure(error);
            }

            if (stream)
            {
                // The exchange is disposed with the reply; the router times the stream (first chunk, gaps).
                var body = await exchange.Response.Content.ReadAsStreamAsync(exchange.Token);
                return new UpstreamStream(Chunks(body, deployment.ProviderName, mapError, drop, exchange.Token), exchange);
            }

            var json = await exchange.ReadBodyAsync(maxResponseBytes);
            await exchange.DisposeAsync();
            return json is null
                ? new UpstreamFailure(ApiError.UpstreamResponseTooLarge(deployment.ProviderName, maxResponseBytes))
                : new UpstreamBody(json);
        }
        catch (Exception ex) when (UpstreamExchange.IsTransferFailure(ex))
        {
            await exchange.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(exchange.Failure(ex));
        }
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(
        Stream body, string provider, UpstreamErrorMap mapError, ChunkFilter? drop, [EnumeratorCancellation] CancellationToken ct)
    {
        var events = SseChunks.ReadAsync(body, ct).GetAsyncEnumerator(ct);
        var finished = false;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
                {
                    throw new UpstreamStreamException(ApiError.UpstreamUnreachable(provider, $"the stream broke: {ex.Message}"));
                }

                if (!more)
                    break;
                var item = events.Current;
                if (item.IsDone)
                    yield break;
                if (item.EventType == "error" || StartsWithError(item.Data.Span))
                    throw new UpstreamStreamException(mapError(provider, 500, item.Data.Span));
                // Chunks go to the client as they came: one that is not JSON would break its SDK, so it ends the stream here.
                if (!JsonShape.IsOpenAIChunk(item.Data.Span, out var finishes))
                    throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(provider, "a stream chunk is not a JSON object"));
                finished |= finishes;
                if (drop is not null && drop(item.Data.Span))
                    continue;
                yield return item.Data;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }

        // The body ended without [DONE]. Some servers leave it out, but every stream finishes its choices; one that did
        // not was cut short (a proxy's error page in place of the rest, a truncated chunk, a read the deadline cut).
        if (!finished)
            throw new UpstreamStreamException(ApiError.UpstreamUnreachable(provider, "the stream ended before [DONE] or a finish_reason"));
    }

    /// <summary>OpenAI-compatible servers report a failure mid-stream as <c>data: {"error": …}</c>.</summary>
    static bool StartsWithError(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return trimmed.StartsWith("{\"error\""u8);
    }
}
