using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Decodes AWS's binary event stream from a response body. Each message is
/// <c>[total length:4][headers length:4][prelude CRC:4][headers][payload][message CRC:4]</c>, integers big-endian,
/// both CRCs checked. A message may arrive split across any number of reads; one pooled buffer holds the unread bytes.
/// A corrupt or truncated stream is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class EventStreamReader(Stream body) : IDisposable
{
    const int PreludeLength = 12;
    const int MinimumMessageLength = PreludeLength + 4;

    /// <summary>AWS caps a message at 16 MiB of payload plus 128 KiB of headers.</summary>
    public const int MaxMessageLength = 16 * 1024 * 1024 + 128 * 1024 + MinimumMessageLength;

    byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    int _start;
    int _end;

    /// <summary>The next message, or null when the stream ended cleanly between messages.</summary>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(PreludeLength, ct))
        {
            if (_end == _start)
                return null;
            throw new InvalidDataException($"the event stream ended {_end - _start} bytes into a message prelude");
        }

        var (total, headersLength) = ReadPrelude(_buffer.AsSpan(_start, PreludeLength));
        if (!await FillAsync(total, ct))
            throw new InvalidDataException($"the event stream ended {_end - _start} bytes into a message of {total} bytes");

        var message = _buffer.AsMemory(_start, total);
        var span = message.Span;
        var expected = BinaryPrimitives.ReadUInt32BigEndian(span[^4..]);
        if (Crc32.Compute(span[..^4]) != expected)
            throw new InvalidDataException("an event stream message failed its CRC check");

        var decoded = Decode(span.Slice(PreludeLength, headersLength), message[(PreludeLength + headersLength)..^4]);
        _start += total;
        return decoded;
    }

    static (int Total, int HeadersLength) ReadPrelude(ReadOnlySpan<byte> prelude)
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        if (Crc32.Compute(prelude[..8]) != BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]))
            throw new InvalidDataException("an event stream prelude failed its CRC check");
        if (total < MinimumMessageLength || total > MaxMessageLength)
            throw new InvalidDataException($"an event stream message declares {total} bytes (allowed {MinimumMessageLength} to {MaxMessageLength})");
        if (headersLength > total - MinimumMessageLength)
            throw new InvalidDataException($"an event stream message declares {headersLength} bytes of headers in {total} bytes");
        return ((int)total, (int)headersLength);
    }

    static EventStreamMessage Decode(ReadOnlySpan<byte> headers, ReadOnlyMemory<byte> payload)
    {
        string? messageType = null, eventType = null, exceptionType = null, errorCode = null, errorMessage = null;
        while (!headers.IsEmpty)
        {
            var nameLength = headers[0];
            if (headers.Length < 1 + nameLength + 1)
                throw new InvalidDataException("an event stream header is cut short");
            var name = headers.Slice(1, nameLength);
            var type = headers[1 + nameLength];
            headers = headers[(2 + nameLength)..];

            var valueLength = type switch
            {
                0 or 1 => 0, // bool true / false: the type is the value
                2 => 1,
                3 => 2,
                4 => 4,
                5 or 8 => 8, // int64, timestamp
                9 => 16, // uuid
                6 or 7 => headers.Length >= 2 ? 2 + BinaryPrimitives.ReadUInt16BigEndian(headers) : int.MaxValue,
                _ => throw new InvalidDataException($"an event stream header has unknown value type {type}"),
            };
            if (valueLength > headers.Length)
                throw new InvalidDataException("an event stream header value is cut short");

            if (type == 7)
            {
                var value = headers[2..valueLength];
                if (name.SequenceEqual(":message-type"u8)) messageType = Known(value);
                else if (name.SequenceEqual(":event-type"u8)) eventType = Known(value);
                else if (name.SequenceEqual(":exception-type"u8)) exceptionType = Encoding.UTF8.GetString(value);
                else if (name.SequenceEqual(":error-code"u8)) errorCode = Encoding.UTF8.GetString(value);
                else if (name.SequenceEqual(":error-message"u8)) errorMessage = Encoding.UTF8.GetString(value);
            }
            headers = headers[valueLength..];
        }
        return new EventStreamMessage(messageType, eventType, exceptionType, errorCode, errorMessage, payload);
    }

    /// <summary>The values every frame repeats, without a string allocation per frame.</summary>
    static string Known(ReadOnlySpan<byte> value) => value switch
    {
        _ when value.SequenceEqual("event"u8) => "event",
        _ when value.SequenceEqual("contentBlockDelta"u8) => "contentBlockDelta",
        _ when value.SequenceEqual("contentBlockStart"u8) => "contentBlockStart",
        _ when value.SequenceEqual("contentBlockStop"u8) => "contentBlockStop",
        _ when value.SequenceEqual("messageStart"u8) => "messageStart",
        _ when value.SequenceEqual("messageStop"u8) => "messageStop",
        _ when value.SequenceEqual("metadata"u8) => "metadata",
        _ when value.SequenceEqual("exception"u8) => "exception",
        _ when value.SequenceEqual("error"u8) => "error",
        _ => Encoding.UTF8.GetString(value),
    };

    /// <summary>Reads until <paramref name="count"/> unread bytes are buffered; false when the body ends first.</summary>
    async ValueTask<bool> FillAsync(int count, CancellationToken ct)
    {
        while (_end - _start < count)
        {
            if (_buffer.Length - _start < count)
                MakeRoom(count);
            var read = await body.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0)
                return false;
            _end += read;
        }
        return true;
    }

    /// <summary>Moves the unread bytes to the front, into a larger pooled buffer when one message needs it.</summary>
    void MakeRoom(int count)
    {
        var unread = _end - _start;
        if (count <= _buffer.Length)
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
            _buffer.AsSpan(_start, unread).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        _start = 0;
        _end = unread;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
