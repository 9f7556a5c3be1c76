namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum AWS's event-stream framing uses for its prelude
/// and its whole message. Table-driven; written here so the gateway needs no hashing package for two checks a frame.
/// </summary>
internal static class Crc32
{
    static readonly uint[] Table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var value = ~crc;
        foreach (var b in data)
            value = Table[(value ^ b) & 0xFF] ^ (value >> 8);
        return ~value;
    }

    static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
                entry = (entry & 1) != 0 ? 0xEDB88320u ^ (entry >> 1) : entry >> 1;
            table[i] = entry;
        }
        return table;
    }
}
