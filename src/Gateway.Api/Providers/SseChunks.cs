using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Gateway.Api.Providers;

/// <summary>
/// Reads a Server-Sent Events body and yields each event's data bytes, ending with OpenAI's <c>[DONE]</c> when it comes
/// (yielded as the last event, <see cref="Event.IsDone"/>, so a reader can tell it from a body that just stopped).
/// One pooled scratch buffer per stream: an item is valid until the next is requested.
/// </summary>
public static class SseChunks
{
    const int MaxEventBytes = 16 * 1024 * 1024;

    public readonly record struct Event(string EventType, ReadOnlyMemory<byte> Data)
    {
        /// <summary>OpenAI's end of stream: the upstream said it was done.</summary>
        public bool IsDone => Data.Span.SequenceEqual("[DONE]"u8);
    }

    public static async IAsyncEnumerable<Event> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var scratch = new Scratch();
        try
        {
            var parser = SseParser.Create(body, scratch.Copy);
            await foreach (var item in parser.EnumerateAsync(ct))
            {
                if (item.Data.IsEmpty)
                    continue;
                var current = new Event(item.EventType, item.Data);
                yield return current;
                if (current.IsDone)
                    yield break;
            }
        }
        finally
        {
            scratch.Release();
        }
    }

    sealed class Scratch
    {
        byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

        public ReadOnlyMemory<byte> Copy(string eventType, ReadOnlySpan<byte> data)
        {
            if (data.Length > MaxEventBytes)
                throw new InvalidDataException($"an SSE event of {data.Length} bytes exceeds the {MaxEventBytes} byte limit");
            if (data.Length > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(data.Length);
            }
            data.CopyTo(_buffer);
            return _buffer.AsMemory(0, data.Length);
        }

        public void Release() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
