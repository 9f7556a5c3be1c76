using System.Buffers;
using System.Runtime.CompilerServices;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// Reads a newline-delimited JSON body (Ollama's streams: one JSON object per line) and yields each non-empty line.
/// One pooled buffer per stream: a line is valid until the next is requested.
/// </summary>
public static class NdjsonLines
{
    const int MaxLineBytes = 16 * 1024 * 1024;

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int start = 0, end = 0;
            while (true)
            {
                // Yield every complete line already buffered.
                int newline;
                while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                {
                    var line = buffer.AsMemory(start, newline);
                    start += newline + 1;
                    if (!line.Span.Trim("\r \t"u8).IsEmpty)
                        yield return line;
                }

                // Make room: move the partial line to the front, or grow for a long one.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                        throw new InvalidDataException($"a stream line longer than {MaxLineBytes} bytes");
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, end).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(end), ct);
                if (read == 0)
                {
                    if (!buffer.AsSpan(0, end).Trim("\r \t"u8).IsEmpty)
                        yield return buffer.AsMemory(0, end); // a last line without its newline
                    yield break;
                }
                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
