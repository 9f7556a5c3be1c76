using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Providers.OpenAICompatible;

namespace Gateway.Api.Providers.Gemini;

/// <summary>Where one call goes and how it proves who sends it: the method URLs of one model, and what to add to the request.</summary>
internal sealed record GeminiTarget(Uri Generate, Uri StreamGenerate, Uri? BatchEmbed, Action<HttpRequestMessage> Authorize);

/// <summary>
/// The exchange shared by every API that speaks <c>generateContent</c> (Google AI Studio, Vertex AI): translate the
/// OpenAI request, POST it to the target under the deployment's deadline, map an error status, and translate the
/// answer (a whole response, the SSE events of <c>:streamGenerateContent?alt=sse</c>, or a batch of embeddings) back
/// to OpenAI's format.
/// </summary>
internal sealed class GeminiTransport(UpstreamClients clients, long maxResponseBytes)
{
    public async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, GeminiApi api, GeminiTarget target, CancellationToken ct)
    {
        // 1. Translate; a request Gemini could not take is a 400 before any upstream call.
        var request = call.Request;
        var deployment = call.Deployment;
        var embeddings = request.Endpoint == OpenAIEndpoint.Embeddings;
        if (embeddings && target.BatchEmbed is null)
            return new UpstreamFailure(new ApiError(400, "invalid_request_error",
                $"{deployment.QualifiedModel} cannot embed here: use a gemini/ deployment for embeddings.", "model", "400"));

        ApiError? refusal;
        byte[]? body;
        try
        {
            body = embeddings
                ? GeminiEmbeddings.Write(request, deployment, out refusal)
                : GeminiRequest.Write(request.Body.Memory, deployment, api, out refusal);
        }
        catch (JsonException ex)
        {
            (body, refusal) = (null, ApiError.MalformedJson(ex.Message));
        }
        if (refusal is not null || body is null)
            return new UpstreamFailure(refusal ?? ApiError.Internal());

        // 2. Send under the deadline.
        var stream = request.Stream && !embeddings;
        var uri = embeddings ? target.BatchEmbed! : stream ? target.StreamGenerate : target.Generate;
        var message = OpenAIForwarder.NewRequest(uri, body, stream);
        target.Authorize(message);
        var (exchange, failure) = await UpstreamExchange.SendAsync(clients, message, deployment, stream, ct);
        if (exchange is null)
            return new UpstreamFailure(failure!);

        try
        {
            // 3. An error status is Google's error JSON.
            if (exchange.Status >= 400)
            {
                var error = await exchange.ReadErrorAsync(GeminiErrors.FromResponse);
                await exchange.DisposeAsync();
                return new UpstreamFailure(error);
            }

            // 4. Translate the answer.
            var id = $"chatcmpl-{call.RequestId:N}";
            var created = call.StartedAt.ToUnixTimeSeconds();
            if (stream)
            {
                // The deadline now bounds the whole stream; the exchange is disposed with the reply.
                var events = await exchange.Response.Content.ReadAsStreamAsync(exchange.Token);
                return new UpstreamStream(Chunks(events, new GeminiStream(id, created, call), exchange, deployment.ProviderName, ct, exchange.Token), exchange);
            }

            var json = await exchange.ReadBodyAsync(maxResponseBytes);
            await exchange.DisposeAsync();
            if (json is null)
                return new UpstreamFailure(ApiError.UpstreamResponseTooLarge(deployment.ProviderName, maxResponseBytes));
            var translated = embeddings
                ? GeminiEmbeddings.Read(json, request, deployment)
                : GeminiResponse.ToChatCompletion(json, id, created, deployment.UpstreamModel);
            return translated is null
                ? new UpstreamFailure(ApiError.UpstreamInvalidResponse(deployment.ProviderName,
                    embeddings ? "the body has no embeddings[].values" : "the body is not a GenerateContentResponse"))
                : new UpstreamBody(translated);
        }
        catch (Exception ex) when (UpstreamExchange.IsTransferFailure(ex))
        {
            await exchange.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(exchange.Failure(ex));
        }
    }

    /// <summary>
    /// The stream's chunks, then the usage chunk. When the stream fails part way, the usage Gemini last reported goes
    /// out first, so the proxy charges what Gemini says it produced rather than an estimate.
    /// </summary>
    static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, GeminiStream translator, UpstreamExchange exchange,
        string provider, CancellationToken callerToken, [EnumeratorCancellation] CancellationToken ct)
    {
        using var _ = translator;
        var events = SseChunks.ReadAsync(body, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                var more = false;
                var count = 0;
                ApiError? failure = null;
                try
                {
                    more = await events.MoveNextAsync() && !events.Current.IsDone;
                    if (more)
                        count = translator.Translate(events.Current.Data.Span, out failure);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
                {
                    failure = ApiError.UpstreamUnreachable(provider, $"the stream broke: {ex.Message}");
                }
                catch (JsonException ex)
                {
                    failure = ApiError.UpstreamInvalidResponse(provider, $"an event is not a GenerateContentResponse: {ex.Message}");
                }
                catch (OperationCanceledException ex) when (!callerToken.IsCancellationRequested)
                {
                    failure = exchange.Failure(ex); // the stream's deadline passed, not the client's: a timeout
                }

                if (failure is null && !more && !translator.Finished)
                    failure = ApiError.UpstreamUnreachable(provider, "the stream ended before Gemini gave a finish reason.");
                if (failure is not null)
                {
                    if (translator.UsageChunk() is { } partial)
                        yield return partial;
                    throw new UpstreamStreamException(failure);
                }
                if (!more)
                    break;
                for (var i = 0; i < count; i++)
                    yield return translator.Chunk(i);
            }
        }
        finally
        {
            await events.DisposeAsync();
        }

        if (translator.UsageChunk() is { } usage)
            yield return usage;
    }
}
