namespace Weft.Wire.Tests.Support;

/// <summary>
/// A frame decoded with Weft's codecs as Ethernet → IPv4 → UDP → VXLAN → inner Ethernet, the way a VTEP reads
/// what arrives on the underlay. Offsets point into <see cref="Frame"/>.
/// </summary>
public sealed record VxlanFrame(
    byte[] Frame,
    EthernetHeader Outer,
    IPv4Header OuterIp,
    bool OuterIpChecksumValid,
    UdpHeader Udp,
    int UdpOffset,
    VxlanHeader Vxlan,
    EthernetHeader Inner,
    int InnerPayloadOffset)
{
    public ReadOnlySpan<byte> UdpDatagram => Frame.AsSpan(UdpOffset, Udp.Length);

    /// <summary>What follows the inner Ethernet header, up to the end of the UDP datagram.</summary>
    public ReadOnlySpan<byte> InnerPayload => Frame.AsSpan(InnerPayloadOffset, UdpOffset + Udp.Length - InnerPayloadOffset);

    /// <summary>Null with a reason when any layer fails to parse (never throws).</summary>
    public static VxlanFrame? TryDecode(byte[] frame, out string? why)
    {
        why = null;
        if (!EthernetHeader.TryRead(frame, out var outer)) { why = "outer Ethernet"; return null; }
        if (outer.EtherType != EtherType.IPv4) { why = $"outer EtherType 0x{outer.EtherType:x4}"; return null; }
        var ipSpan = frame.AsSpan(outer.HeaderLength);
        if (!IPv4Header.TryRead(ipSpan, out var ip)) { why = "outer IPv4"; return null; }
        if (ip.Protocol != IPv4Header.ProtocolUdp) { why = $"outer protocol {ip.Protocol}"; return null; }
        var udpOffset = outer.HeaderLength + ip.HeaderLength;
        if (!UdpHeader.TryRead(frame.AsSpan(udpOffset, ip.PayloadLength), out var udp)) { why = "UDP"; return null; }
        var vxlanOffset = udpOffset + UdpHeader.Size;
        if (!VxlanHeader.TryRead(frame.AsSpan(vxlanOffset, udp.Length - UdpHeader.Size), out var vxlan)) { why = "VXLAN"; return null; }
        var innerOffset = vxlanOffset + VxlanHeader.Size;
        if (!EthernetHeader.TryRead(frame.AsSpan(innerOffset, udpOffset + udp.Length - innerOffset), out var inner)) { why = "inner Ethernet"; return null; }
        return new VxlanFrame(frame, outer, ip, IPv4Header.IsChecksumValid(ipSpan), udp, udpOffset, vxlan, inner,
            innerOffset + inner.HeaderLength);
    }
}
