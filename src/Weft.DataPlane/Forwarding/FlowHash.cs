using System.Buffers.Binary;
using System.IO.Hashing;
using Weft.Wire;

namespace Weft.DataPlane.Forwarding;

/// <summary>
/// Outer UDP source port from a hash of the inner flow (RFC 7348 §5: "it is recommended that the UDP source port
/// number be calculated using a hash of fields from the inner packet"), so ECMP in the underlay spreads flows while
/// one TCP flow keeps one port (no reordering). IPv4/IPv6 TCP and UDP hash the 5-tuple, other IP the addresses and
/// protocol, anything else the MACs and EtherType. The port is drawn from the dynamic range 49152–65535.
/// </summary>
public static class FlowHash
{
    public const ushort PortRangeStart = 49152;
    public const int PortRangeSize = 16384;

    public static ushort SourcePort(ReadOnlySpan<byte> frame)
    {
        Span<byte> key = stackalloc byte[40];
        var length = FlowKey(frame, key);
        var hash = (uint)XxHash3.HashToUInt64(key[..length]);
        return (ushort)(PortRangeStart + (hash % PortRangeSize));
    }

    private static int FlowKey(ReadOnlySpan<byte> frame, Span<byte> key)
    {
        if (!EthernetHeader.TryRead(frame, out var eth)) return 0;
        var l3 = frame[eth.HeaderLength..];
        if (eth.EtherType == EtherType.IPv4 && IPv4Header.TryRead(l3, out var ip4))
        {
            l3.Slice(12, 8).CopyTo(key);
            key[8] = ip4.Protocol;
            var n = 9;
            if (!ip4.IsFragment) n += Ports(ip4.Protocol, l3[ip4.HeaderLength..], key[n..]);
            return n;
        }
        if (eth.EtherType == EtherType.IPv6 && IPv6Header.TryRead(l3, out var ip6))
        {
            l3.Slice(8, 32).CopyTo(key);
            key[32] = ip6.NextHeader;
            return 33 + Ports(ip6.NextHeader, l3[IPv6Header.Size..], key[33..]);
        }
        frame[..12].CopyTo(key);
        BinaryPrimitives.WriteUInt16BigEndian(key[12..], eth.EtherType);
        return 14;
    }

    private static int Ports(byte protocol, ReadOnlySpan<byte> l4, Span<byte> key)
    {
        if (protocol is not (IPv4Header.ProtocolTcp or IPv4Header.ProtocolUdp) || l4.Length < 4) return 0;
        l4[..4].CopyTo(key);
        return 4;
    }
}
