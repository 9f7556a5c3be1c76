using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>The Anthropic headers a <c>/v1/messages</c> client sent, forwarded on native calls (betas switch features on).</summary>
public sealed record AnthropicClientHeaders(string? Version, string? Beta);

/// <summary>
/// <c>anthropic/&lt;model&gt;</c>: Anthropic's Messages API at <c>{api_base}/v1/messages</c> with <c>x-api-key</c> and
/// <c>anthropic-version</c>. OpenAI chat requests are translated to Messages requests and the replies, streams and errors
/// back (<see cref="SendAsync"/>). Clients that already speak Anthropic's format (<c>/v1/messages</c>) are sent through
/// natively (<see cref="SendNativeAsync"/>): then the reply stays in Anthropic's format, an exception to the rule that
/// replies are OpenAI-shaped which only the <c>/v1/messages</c> endpoint relies on.
/// </summary>
public sealed class AnthropicProvider(UpstreamClients clients, long maxResponseBytes) : Provider
{
    public const string Name = "anthropic";
    public const string DefaultVersion = "2023-06-01";

    static readonly MediaTypeHeaderValue Json = new("application/json");

    public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var request = call.Request;
        var deployment = call.Deployment;
        if (request.Endpoint != OpenAIEndpoint.ChatCompletions)
        {
            return new UpstreamFailure(new ApiError(400, "invalid_request_error",
                $"{deployment.QualifiedModel} serves chat completions only; Anthropic's API has no {request.Endpoint.Describe()}.", "model", "400"));
        }

        var translated = AnthropicRequest.Translate(request.Body.Memory, deployment, request.Stream, out var error);
        if (translated is null)
            return new UpstreamFailure(error!);

        var (exchange, failure) = await PostAsync(deployment, "messages", translated.Json, request.Stream, null, ct);
        if (exchange is null)
            return failure!;

        var created = call.StartedAt.ToUnixTimeSeconds();
        return await ReadAsync(exchange, deployment, request.Stream, ct,
            body => AnthropicResponse.ToOpenAI(body, translated.JsonMode, created, deployment.UpstreamModel),
            (stream, token) => AnthropicStream.ToOpenAI(stream, Name, translated.JsonMode, created, deployment.UpstreamModel, token));
    }

    /// <summary>An Anthropic request sent as it is (but for the model name); the reply in Anthropic's own format.</summary>
    public async ValueTask<UpstreamReply> SendNativeAsync(UpstreamCall call, ReadOnlyMemory<byte> anthropicBody, AnthropicClientHeaders headers, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var stream = call.Request.Stream;
        var body = AnthropicNativeBody.Rewrite(anthropicBody.Span, deployment.UpstreamModel);
        var (exchange, failure) = await PostAsync(deployment, "messages", body, stream, headers, ct);
        if (exchange is null)
            return failure!;
        return await ReadAsync(exchange, deployment, stream, ct, static body => body.ToArray(), NativeEvents);
    }

    /// <summary><c>/v1/messages/count_tokens</c> at Anthropic: free, so never charged.</summary>
    public async ValueTask<UpstreamReply> CountTokensAsync(Deployment deployment, ReadOnlyMemory<byte> anthropicBody, AnthropicClientHeaders headers, CancellationToken ct)
    {
        var body = AnthropicNativeBody.Rewrite(anthropicBody.Span, deployment.UpstreamModel);
        var (exchange, failure) = await PostAsync(deployment, "messages/count_tokens", body, stream: false, headers, ct);
        if (exchange is null)
            return failure!;
        return await ReadAsync(exchange, deployment, stream: false, ct, static body => body.ToArray(), NativeEvents);
    }

    /// <summary>
    /// Sends the request. An error status is read (bounded) and mapped here; on success the caller owns the exchange,
    /// whose deadline bounds the whole call (a stream only until its headers: the router times it from there).
    /// </summary>
    async ValueTask<(UpstreamExchange? Exchange, UpstreamFailure? Failure)> PostAsync(
        Deployment deployment, string path, byte[] body, bool stream, AnthropicClientHeaders? client, CancellationToken ct)
    {
        if (deployment.ApiBase is null)
        {
            return (null, new UpstreamFailure(ApiError.UpstreamUnreachable(Name,
                $"deployment {deployment.Id} has no api_base; set litellm_params.api_base.")));
        }

        var uri = Url(deployment.ApiBase, path);
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = Json;
        if (!string.IsNullOrEmpty(deployment.ApiKey))
            message.Headers.TryAddWithoutValidation("x-api-key", deployment.ApiKey);
        message.Headers.TryAddWithoutValidation("anthropic-version", string.IsNullOrWhiteSpace(client?.Version) ? DefaultVersion : client.Version);
        if (!string.IsNullOrWhiteSpace(client?.Beta))
            message.Headers.TryAddWithoutValidation("anthropic-beta", client.Beta);
        message.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");

        var (exchange, unreachable) = await UpstreamExchange.SendAsync(clients, message, deployment, stream, ct);
        if (exchange is null)
            return (null, new UpstreamFailure(unreachable!));
        var status = exchange.Status;
        if (status < 400)
            return (exchange, null);

        try
        {
            var errorBody = await exchange.ReadBodyAsync(64 * 1024) ?? [];
            var retryAfter = exchange.Response.Headers.RetryAfter?.Delta is { } delta ? (int?)Math.Ceiling(delta.TotalSeconds) : null;
            return (null, new UpstreamFailure(AnthropicErrors.FromResponse(status, errorBody, retryAfter)));
        }
        catch (Exception ex) when (UpstreamExchange.IsTransferFailure(ex))
        {
            if (ct.IsCancellationRequested)
                throw;
            return (null, new UpstreamFailure(AnthropicErrors.FromResponse(status, [], null)));
        }
        finally
        {
            await exchange.DisposeAsync();
        }
    }

    async ValueTask<UpstreamReply> ReadAsync(
        UpstreamExchange exchange, Deployment deployment, bool stream, CancellationToken ct,
        Func<byte[], byte[]?> translateBody,
        Func<Stream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> translateStream)
    {
        try
        {
            if (stream)
            {
                // The owner disposes the response (and the deadline that bounds the stream) when the proxy is done.
                var body = await exchange.Response.Content.ReadAsStreamAsync(exchange.Token);
                return new UpstreamStream(translateStream(body, exchange.Token), exchange);
            }

            var json = await exchange.ReadBodyAsync(maxResponseBytes);
            await exchange.DisposeAsync();
            if (json is null)
                return new UpstreamFailure(ApiError.UpstreamResponseTooLarge(Name, maxResponseBytes));
            var translated = translateBody(json);
            return translated is null
                ? new UpstreamFailure(ApiError.UpstreamInvalidResponse(Name, "the body is not an Anthropic message"))
                : new UpstreamBody(translated);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            await exchange.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(exchange.Failure(ex));
        }
    }

    /// <summary>Native events as they came (their data); an <c>error</c> event or a break ends the stream with that error.</summary>
    static async IAsyncEnumerable<ReadOnlyMemory<byte>> NativeEvents(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var events = SseChunks.ReadAsync(body, ct).GetAsyncEnumerator(ct);
        var stopped = false;
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
                    throw new UpstreamStreamException(ApiError.UpstreamUnreachable(Name, $"the stream broke: {ex.Message}"));
                }
                if (!more || events.Current.IsDone)
                    break;

                var item = events.Current;
                if (item.EventType == "error")
                    throw new UpstreamStreamException(AnthropicErrors.FromStreamEvent(item.Data.Span));
                // Events go to the client as they came: one that is not JSON would break its SDK, so it ends the stream here.
                if (!JsonShape.IsObject(item.Data.Span))
                    throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(Name, "a stream event is not a JSON object"));
                stopped |= item.EventType == "message_stop";
                yield return item.Data;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
        if (!stopped)
            throw new UpstreamStreamException(ApiError.UpstreamUnreachable(Name, "the stream ended before message_stop"));
    }

    /// <summary>
    /// <c>{api_base}/v1/{path}</c>. LiteLLM accepts an api_base with or without <c>/v1</c>, or the full
    /// <c>/v1/messages</c> URL; so do we.
    /// </summary>
    static Uri Url(Uri apiBase, string path)
    {
        var root = apiBase.AbsoluteUri.TrimEnd('/');
        if (root.EndsWith("/v1/messages", StringComparison.OrdinalIgnoreCase))
            root = root[..^"/messages".Length];
        else if (!root.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
            root += "/v1";
        return new Uri(root + "/" + path);
    }
}
