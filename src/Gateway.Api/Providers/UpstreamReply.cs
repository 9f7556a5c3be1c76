using Gateway.Api.Errors;

namespace Gateway.Api.Providers;

/// <summary>A provider's answer, already in OpenAI's format. Disposing it releases the upstream connection.</summary>
public abstract class UpstreamReply : IAsyncDisposable
{
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The call failed before anything reached the client: answer with this error.</summary>
public sealed class UpstreamFailure(ApiError error) : UpstreamReply
{
    public ApiError Error { get; } = error;
}

/// <summary>A complete, non-streamed response body (an OpenAI JSON object).</summary>
public sealed class UpstreamBody(ReadOnlyMemory<byte> json) : UpstreamReply
{
    public ReadOnlyMemory<byte> Json { get; } = json;
}

/// <summary>
/// A streamed response: each item is the JSON payload of one OpenAI chunk (without <c>data: </c> framing). Items
/// are valid only until the next one is requested. A failure part way is thrown as <see cref="UpstreamStreamException"/>.
/// </summary>
public sealed class UpstreamStream(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, IAsyncDisposable? owner = null) : UpstreamReply
{
    public IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks { get; } = chunks;

    public override ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>A stream broke after it started; the proxy sends the error as an SSE event.</summary>
public sealed class UpstreamStreamException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}
