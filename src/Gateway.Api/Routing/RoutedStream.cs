using Gateway.Api.Errors;
using Gateway.Api.Providers;

namespace Gateway.Api.Routing;

/// <summary>
/// A stream the router settled on: its first chunk has arrived (the enumerator stands on it), and each next chunk must
/// come within <c>stream_timeout</c> of asking for it, or the stream ends with a timeout error. A failure part way
/// counts towards the deployment's cooldown. Disposing it releases the upstream and ends the call's time in flight.
/// <para>
/// Cut or not is decided by how the read ends, never by the clock alone: a read that fails (however the cancelled read
/// surfaces: cancellation, a broken stream, or the provider's "ended before its end marker") after our deadline fired is
/// the timeout; a read that ends because the provider said it was done ([DONE], message_stop, a finish reason) is a
/// stream that ended, even when the deadline fired a moment later.
/// </para>
/// </summary>
internal sealed class RoutedStream(
    Router router,
    Deployment deployment,
    IAsyncEnumerator<ReadOnlyMemory<byte>> chunks,
    bool hasFirst,
    UpstreamStream upstream,
    CancellationTokenSource deadline,
    CancellationTokenRegistration leaving,
    TimeSpan idleTimeout,
    CancellationToken client) : IAsyncEnumerable<ReadOnlyMemory<byte>>, IAsyncDisposable
{
    int _disposed;

    public async IAsyncEnumerator<ReadOnlyMemory<byte>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (!hasFirst)
            yield break;
        yield return chunks.Current;
        while (await NextAsync())
            yield return chunks.Current;
    }

    async ValueTask<bool> NextAsync()
    {
        // The deadline runs only while we wait on the upstream: time the proxy spends writing a chunk to a slow client
        // is not the upstream's silence. Once it has fired, the token stays cancelled and the next read fails with it.
        deadline.CancelAfter(idleTimeout);
        try
        {
            var more = await chunks.MoveNextAsync();
            deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            return more;
        }
        catch (UpstreamStreamException ex) when (!TimedOut)
        {
            router.RecordFailure(deployment, UpstreamErrorKinds.Of(ex.Error), ex.Error);
            throw;
        }
        catch (Exception ex) when ((ex is OperationCanceledException or UpstreamStreamException) && TimedOut)
        {
            var timeout = ApiError.UpstreamTimeout(deployment.Id, idleTimeout.TotalSeconds);
            router.RecordFailure(deployment, UpstreamErrorKind.Timeout, timeout);
            throw new UpstreamStreamException(timeout with
            {
                Message = $"litellm.Timeout: deployment {deployment.Id} sent no chunk for {idleTimeout.TotalSeconds:0.###}s; the stream was cut.",
            });
        }
    }

    /// <summary>Our deadline fired, not the client's leaving (a provider may report the cut read as a broken stream).</summary>
    bool TimedOut => deadline.IsCancellationRequested && !client.IsCancellationRequested;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await chunks.DisposeAsync();
            await upstream.DisposeAsync();
        }
        finally
        {
            leaving.Dispose();
            deadline.Dispose();
            router.StreamEnded(deployment);
        }
    }
}
