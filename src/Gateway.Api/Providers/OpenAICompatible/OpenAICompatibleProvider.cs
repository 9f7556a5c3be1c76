using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;

namespace Gateway.Api.Providers.OpenAICompatible;

/// <summary>
/// Any upstream that speaks OpenAI's API: OpenAI itself, vLLM, LM Studio and the OpenAI-compatible vendors.
/// The request body is forwarded as bytes with only the model name (and a usage request on streams) changed;
/// responses and chunks pass through as they arrive.
/// </summary>
public sealed class OpenAICompatibleProvider(UpstreamClients clients, long maxResponseBytes) : Provider
{
    static readonly MediaTypeHeaderValue Json = new("application/json");

    public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var request = call.Request;
        if (deployment.ApiBase is null)
            return new UpstreamFailure(ApiError.UpstreamUnreachable(deployment.ProviderName,
                $"deployment {deployment.Id} has no api_base; set litellm_params.api_base."));

        var uri = new Uri(deployment.ApiBase.AbsoluteUri.TrimEnd('/') + "/" + request.Endpoint.UpstreamPath());
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(RequestRewriter.Rewrite(request.Body.Span, deployment.UpstreamModel, request.Stream)),
        };
        message.Content.Headers.ContentType = Json;
        if (!string.IsNullOrEmpty(deployment.ApiKey))
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deployment.ApiKey);
        if (!string.IsNullOrEmpty(deployment.Organization))
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", deployment.Organization);
        message.Headers.Accept.ParseAdd(request.Stream ? "text/event-stream" : "application/json");

        var timeout = request.Stream ? deployment.StreamTimeout ?? deployment.Timeout : deployment.Timeout;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);

        HttpResponseMessage response;
        try
        {
            response = await clients.For(uri).SendAsync(message, deadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            message.Dispose();
            deadline.Dispose();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(ex is OperationCanceledException
                ? ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds)
                : ApiError.UpstreamUnreachable(deployment.ProviderName, ex.Message));
        }

        var owner = new ResponseOwner(message, response, deadline);
        try
        {
            var status = (int)response.StatusCode;
            if (status >= 400)
            {
                var error = UpstreamErrors.FromResponse(deployment.ProviderName, status,
                    await ReadBoundedAsync(response, 64 * 1024, deadline.Token) ?? []);
                if (response.Headers.RetryAfter?.Delta is { } delta)
                    error = error with { RetryAfterSeconds = (int)Math.Ceiling(delta.TotalSeconds) };
                await owner.DisposeAsync();
                return new UpstreamFailure(error);
            }

            if (request.Stream)
            {
                // The router times a stream from here: to its first chunk and between chunks, not as a whole.
                deadline.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
                var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
                return new UpstreamStream(Chunks(stream, deployment.ProviderName, deadline.Token), owner);
            }

            var body = await ReadBoundedAsync(response, maxResponseBytes, deadline.Token);
            await owner.DisposeAsync();
            return body is null
                ? new UpstreamFailure(ApiError.UpstreamResponseTooLarge(deployment.ProviderName, maxResponseBytes))
                : new UpstreamBody(body);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            await owner.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(ex is OperationCanceledException
                ? ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds)
                : ApiError.UpstreamUnreachable(deployment.ProviderName, ex.Message));
        }
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, string provider, [EnumeratorCancellation] CancellationToken ct)
    {
        var events = SseChunks.ReadAsync(body, ct).GetAsyncEnumerator(ct);
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
                    yield break;

                var item = events.Current;
                if (item.EventType == "error" || StartsWithError(item.Data.Span))
                    throw new UpstreamStreamException(UpstreamErrors.FromResponse(provider, 500, item.Data.Span));
                yield return item.Data;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    /// <summary>OpenAI-compatible servers report a failure mid-stream as <c>data: {"error": …}</c>.</summary>
    static bool StartsWithError(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return trimmed.StartsWith("{\"error\""u8);
    }

    /// <summary>Reads the body into memory unless it exceeds <paramref name="limit"/> bytes (then null).</summary>
    static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, long limit, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
            return null;

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0)
                    return buffer.AsSpan(0, length).ToArray();
                length += read;
                if (length > limit)
                    return null;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    sealed class ResponseOwner(HttpRequestMessage request, HttpResponseMessage response, CancellationTokenSource deadline) : IAsyncDisposable
    {
        int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                response.Dispose();
                request.Dispose();
                deadline.Dispose();
            }
            return ValueTask.CompletedTask;
        }
    }
}
