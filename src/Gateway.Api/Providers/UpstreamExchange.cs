using System.Buffers;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers;

/// <summary>
/// One HTTP request to an upstream and its response, under the deployment's deadline (<c>stream_timeout</c> for
/// streams, else <c>timeout</c>). Disposing it releases the response, the request and the deadline; a stream keeps
/// it alive as its owner until the last chunk.
/// </summary>
public sealed class UpstreamExchange : IAsyncDisposable
{
    readonly HttpRequestMessage _request;
    readonly CancellationTokenSource _deadline;
    readonly Deployment _deployment;
    readonly TimeSpan _timeout;
    int _disposed;

    UpstreamExchange(HttpRequestMessage request, HttpResponseMessage response, CancellationTokenSource deadline, Deployment deployment, TimeSpan timeout)
    {
        _request = request;
        Response = response;
        _deadline = deadline;
        _deployment = deployment;
        _timeout = timeout;
    }

    public HttpResponseMessage Response { get; }

    public int Status => (int)Response.StatusCode;

    /// <summary>The deadline the call was sent under (<c>stream_timeout</c> for streams, else <c>timeout</c>).</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>Cancelled when the caller goes away or the deadline passes.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>
    /// Sends <paramref name="message"/> (which this takes over) and returns the exchange once the response headers
    /// arrived, or the error to answer with when the upstream could not be reached in time. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="ct"/> itself was cancelled.
    /// </summary>
    public static async ValueTask<(UpstreamExchange? Exchange, ApiError? Error)> SendAsync(
        UpstreamClients clients, HttpRequestMessage message, Deployment deployment, bool stream, CancellationToken ct)
    {
        var timeout = stream ? deployment.StreamTimeout ?? deployment.Timeout : deployment.Timeout;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await clients.For(message.RequestUri!).SendAsync(message, deadline.Token);
            // The router times a stream from here: to its first chunk and between chunks, not as a whole.
            if (stream && (int)response.StatusCode < 400)
                deadline.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            return (new UpstreamExchange(message, response, deadline, deployment, timeout), null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            message.Dispose();
            deadline.Dispose();
            if (ct.IsCancellationRequested)
                throw;
            return (null, Failure(ex, deployment, timeout));
        }
    }

    /// <summary>True for the exceptions that mean the transfer failed or ran out of time (not a bug of ours).</summary>
    public static bool IsTransferFailure(Exception ex) => ex is OperationCanceledException or HttpRequestException or IOException;

    /// <summary>The error for a transfer that failed part way: a timeout when the deadline passed, else unreachable.</summary>
    public ApiError Failure(Exception ex) => Failure(ex, _deployment, _timeout);

    static ApiError Failure(Exception ex, Deployment deployment, TimeSpan timeout) => ex is OperationCanceledException
        ? ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds)
        : ApiError.UpstreamUnreachable(deployment.ProviderName, ex.Message);

    /// <summary>Reads an error response (at most 64 KB), maps it, and keeps the upstream's <c>retry-after</c>.</summary>
    public async ValueTask<ApiError> ReadErrorAsync(UpstreamErrorMap map)
    {
        var body = await ReadBodyAsync(64 * 1024) ?? [];
        var error = map(_deployment.ProviderName, Status, body);
        if (Response.Headers.RetryAfter?.Delta is { } delta)
            error = error with { RetryAfterSeconds = (int)Math.Ceiling(delta.TotalSeconds) };
        else if (Response.Headers.RetryAfter?.Date is { } date && date > DateTimeOffset.UtcNow)
            error = error with { RetryAfterSeconds = (int)Math.Ceiling((date - DateTimeOffset.UtcNow).TotalSeconds) };
        return error;
    }

    /// <summary>Reads the body into memory unless it exceeds <paramref name="limit"/> bytes (then null).</summary>
    public async Task<byte[]?> ReadBodyAsync(long limit)
    {
        if (Response.Content.Headers.ContentLength is { } declared && declared > limit)
            return null;

        await using var stream = await Response.Content.ReadAsStreamAsync(Token);
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
                var read = await stream.ReadAsync(buffer.AsMemory(length), Token);
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

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Response.Dispose();
            _request.Dispose();
            _deadline.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
