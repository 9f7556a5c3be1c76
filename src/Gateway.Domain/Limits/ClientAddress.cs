using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Domain.Limits;

/// <summary>The key a client is counted under by <see cref="FailedAttempts{TKey}"/>, without allocating.</summary>
public static class ClientAddress
{
    /// <summary>Clients with no address (an in-process test server, a Unix socket) all count as this one.</summary>
    public static readonly UInt128 Unknown = UInt128.MaxValue;

    /// <summary>
    /// An IPv4 address as itself; an IPv6 address as its /64 network, because one host is usually given a whole /64 and
    /// could otherwise count as 2^64 clients.
    /// </summary>
    public static UInt128 KeyOf(IPAddress? address)
    {
        if (address is null)
            return Unknown;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
            return Unknown;
        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
            return new UInt128(0, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        if (address.IsIPv4MappedToIPv6)
            return new UInt128(0, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..])); // ::ffff:a.b.c.d is a.b.c.d
        return new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 1UL << 40); // never an IPv4 key
    }
}
