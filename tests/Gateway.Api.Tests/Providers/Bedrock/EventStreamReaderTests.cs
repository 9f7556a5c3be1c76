using System.Buffers.Binary;
using System.Text;
using Gateway.Api.Providers.Bedrock;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>The gateway's decoder of AWS's binary event stream, fed frames written by an independent encoder.</summary>
public sealed class EventStreamReaderTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void crc32_matches_the_standard_check_value()
    {
        // The catalogued check value of CRC-32/ISO-HDLC for the ASCII digits 1 to 9.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        Assert.Equal(Crc32.Compute("hello world"u8), Crc32.Append(Crc32.Compute("hello "u8), "world"u8));
        Assert.Equal(EventStreamEncoder.Crc("The quick brown fox"u8), Crc32.Compute("The quick brown fox"u8));
    }

    /// <summary>
    /// aws-c-event-stream's own vectors: an empty message, a payload without headers, and a payload with one string
    /// header, back to back. Fed in fragments of every size from 1 byte to the whole, as that library's test does.
    /// </summary>
    static readonly byte[] AwsVectors =
    [
        0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,

        0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66, 0x6f,
        0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36,

        0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C, (byte)'c', (byte)'o', (byte)'n',
        (byte)'t', (byte)'e', (byte)'n', (byte)'t', (byte)'-', (byte)'t', (byte)'y', (byte)'p', (byte)'e', 0x07, 0x00, 0x10,
        (byte)'a', (byte)'p', (byte)'p', (byte)'l', (byte)'i', (byte)'c', (byte)'a', (byte)'t', (byte)'i', (byte)'o', (byte)'n',
        (byte)'/', (byte)'j', (byte)'s', (byte)'o', (byte)'n', 0x7b, 0x27, 0x66, 0x6f,
        0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0x8D, 0x9C, 0x08, 0xB1,
    ];

    [Fact]
    public async Task aws_published_event_stream_vectors_decode_in_fragments_of_every_size()
    {
        for (var size = 1; size <= AwsVectors.Length; size++)
        {
            var messages = await ReadAll(new TricklingStream(AwsVectors, size));
            Assert.Equal(["", "{'foo':'bar'}", "{'foo':'bar'}"], messages.Select(m => m.Payload));
        }
    }

    [Fact]
    public async Task a_single_flipped_bit_in_aws_empty_message_fails_the_prelude_crc()
    {
        var corrupted = AwsVectors[..16];
        corrupted[9] = 0xc3; // aws-c-event-stream's corrupted_crc case
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(corrupted)));
        Assert.Contains("prelude", error.Message);
    }

    [Fact]
    public async Task whole_frames_decode_to_their_event_types_and_payloads()
    {
        var bytes = Concat(
            EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abcd"}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hi"}}"""),
            EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}"""));

        var messages = await ReadAll(new MemoryStream(bytes));

        Assert.Equal(["messageStart", "contentBlockDelta", "messageStop"], messages.Select(m => m.EventType));
        Assert.All(messages, m => Assert.True(m.IsEvent));
        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"Hi"}}""", messages[1].Payload);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(64)]
    public async Task frames_split_across_reads_are_reassembled(int readSize)
    {
        var longText = new string('x', 40_000); // larger than the reader's first buffer, so it must grow
        var bytes = Concat(
            EventStreamEncoder.Event("contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"{{{longText}}}"}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"b"}}"""),
            EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}"""));

        var messages = await ReadAll(new TricklingStream(bytes, readSize));

        Assert.Equal(3, messages.Count);
        Assert.Contains(longText, messages[0].Payload);
        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"b"}}""", messages[1].Payload);
        Assert.Equal("metadata", messages[2].EventType);
    }

    [Fact]
    public async Task exception_frames_carry_their_type()
    {
        var bytes = EventStreamEncoder.Exception("throttlingException", "Too many tokens, please wait before trying again.");
        var message = Assert.Single(await ReadAll(new MemoryStream(bytes)));
        Assert.False(message.IsEvent);
        Assert.Equal("exception", message.MessageType);
        Assert.Equal("throttlingException", message.ExceptionType);
        Assert.Contains("Too many tokens", message.Payload);
    }

    [Fact]
    public async Task headers_of_every_value_type_are_skipped_correctly()
    {
        var headers = new MemoryStream();
        void Name(string name)
        {
            headers.WriteByte((byte)name.Length);
            headers.Write(Encoding.ASCII.GetBytes(name));
        }
        Name("flag-true"); headers.WriteByte(0);
        Name("flag-false"); headers.WriteByte(1);
        Name("byte"); headers.WriteByte(2); headers.WriteByte(7);
        Name("short"); headers.WriteByte(3); headers.Write([0, 1]);
        Name("int"); headers.WriteByte(4); headers.Write([0, 0, 0, 1]);
        Name("long"); headers.WriteByte(5); headers.Write(new byte[8]);
        Name("bytes"); headers.WriteByte(6); headers.Write([0, 3, 1, 2, 3]);
        Name("time"); headers.WriteByte(8); headers.Write(new byte[8]);
        Name("uuid"); headers.WriteByte(9); headers.Write(new byte[16]);
        Name(":event-type"); headers.WriteByte(7); headers.Write([0, 8]); headers.Write("metadata"u8);

        var frame = EventStreamEncoder.Frame(headers.ToArray(), "{}"u8.ToArray());
        var message = Assert.Single(await ReadAll(new MemoryStream(frame)));
        Assert.Equal("metadata", message.EventType);
        Assert.Equal("{}", message.Payload);
    }

    [Fact]
    public async Task a_corrupted_payload_fails_the_message_crc()
    {
        var frame = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hi"}}""");
        frame[^10] ^= 0x01;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(frame)));
        Assert.Contains("CRC", error.Message);
    }

    [Fact]
    public async Task a_corrupted_length_fails_the_prelude_crc()
    {
        var frame = EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}""");
        frame[3] ^= 0x02;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(frame)));
        Assert.Contains("prelude", error.Message);
    }

    [Fact]
    public async Task a_stream_cut_inside_a_message_is_an_error_but_a_clean_end_is_not()
    {
        var frame = EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}""");
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(frame[..^5])));
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(frame[..7])));
        Assert.Empty(await ReadAll(new MemoryStream([])));
    }

    [Fact]
    public async Task an_absurd_declared_length_is_refused_before_reading_it()
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, uint.MaxValue);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), EventStreamEncoder.Crc(prelude.AsSpan(0, 8)));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new MemoryStream(prelude)));
        Assert.Contains("declares", error.Message);
    }

    static async Task<List<(string? EventType, string? MessageType, string? ExceptionType, bool IsEvent, string Payload)>> ReadAll(Stream stream)
    {
        using var reader = new EventStreamReader(stream);
        var all = new List<(string?, string?, string?, bool, string)>();
        while (await reader.ReadAsync(Ct) is { } message)
            all.Add((message.EventType, message.MessageType, message.ExceptionType, message.IsEvent, Encoding.UTF8.GetString(message.Payload.Span)));
        return all;
    }

    static byte[] Concat(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>Hands out at most <c>readSize</c> bytes a read, as a slow network would.</summary>
    sealed class TricklingStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
