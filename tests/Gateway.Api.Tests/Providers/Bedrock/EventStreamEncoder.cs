using System.Buffers.Binary;
using System.Text;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>
/// Writes AWS event-stream messages as Bedrock sends them, independently of the gateway's decoder: its own bit-by-bit
/// CRC-32, string headers (type 7) and the JSON payload.
/// </summary>
public static class EventStreamEncoder
{
    public static byte[] Event(string eventType, string json) =>
        Message([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], json);

    public static byte[] Exception(string exceptionType, string message) =>
        Message([(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")],
            $$"""{"message":"{{message}}"}""");

    public static byte[] Message(IReadOnlyList<(string Name, string Value)> headers, string payload)
    {
        var headerBytes = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7);
            headerBytes.WriteByte((byte)(valueBytes.Length >> 8));
            headerBytes.WriteByte((byte)valueBytes.Length);
            headerBytes.Write(valueBytes);
        }
        return Frame(headerBytes.ToArray(), Encoding.UTF8.GetBytes(payload));
    }

    public static byte[] Frame(byte[] headers, byte[] payload)
    {
        var total = 12 + headers.Length + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc(frame.AsSpan(0, 8)));
        headers.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc(frame.AsSpan(0, total - 4)));
        return frame;
    }

    /// <summary>CRC-32/ISO-HDLC computed bit by bit (no table), so it cannot share a mistake with the gateway's.</summary>
    public static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
