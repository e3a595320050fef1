namespace Weft.Wire.Tests.Support;

/// <summary>The outer (underlay) addresses of a VXLAN packet.</summary>
public readonly record struct Underlay(MacAddress SourceMac, MacAddress DestinationMac, IPv4Address SourceIp, IPv4Address DestinationIp);

/// <summary>Builds whole Ethernet frames with Weft's codecs only, so the bytes tshark or a test sees are Weft's.</summary>
public static class Frames
{
    /// <summary>Ethernet / IPv4 / ICMP echo with <paramref name="data"/>; IPv4 and ICMP checksums filled by the codecs.</summary>
    public static byte[] IcmpEcho(MacAddress destinationMac, MacAddress sourceMac, IPv4Address sourceIp, IPv4Address destinationIp,
        byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> data)
    {
        var ipLength = IPv4Header.MinSize + Wire.IcmpEcho.Size + data.Length;
        var frame = new byte[EthernetHeader.Size + ipLength];
        new EthernetHeader(destinationMac, sourceMac, EtherType.IPv4).Write(frame);
        new IPv4Header(sourceIp, destinationIp, IPv4Header.ProtocolIcmp, (ushort)ipLength, identification: sequence)
            .Write(frame.AsSpan(EthernetHeader.Size));
        var icmp = frame.AsSpan(EthernetHeader.Size + IPv4Header.MinSize);
        data.CopyTo(icmp[Wire.IcmpEcho.Size..]);
        new Wire.IcmpEcho(type, identifier, sequence).Write(icmp);
        return frame;
    }

    /// <summary>A broadcast ARP request "who has <paramref name="targetIp"/>, tell <paramref name="senderIp"/>".</summary>
    public static byte[] ArpRequest(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp)
    {
        var frame = new byte[EthernetHeader.Size + ArpPacket.Size];
        new EthernetHeader(MacAddress.Broadcast, senderMac, EtherType.Arp).Write(frame);
        new ArpPacket(ArpPacket.OpRequest, senderMac, senderIp, default, targetIp).Write(frame.AsSpan(EthernetHeader.Size));
        return frame;
    }

    /// <summary>Ethernet (with an 802.1Q tag if <paramref name="vlanTci"/> is set) / IPv4 / UDP (checksum filled) / VXLAN / <paramref name="inner"/>.</summary>
    public static byte[] Vxlan(Underlay outer, ushort sourcePort, uint vni, ReadOnlySpan<byte> inner, ushort? vlanTci = null)
    {
        const ushort destinationPort = VxlanHeader.DefaultPort;
        var ethernet = new EthernetHeader(outer.DestinationMac, outer.SourceMac, EtherType.IPv4);
        if (vlanTci is { } tci) ethernet = ethernet.WithVlan(tci);
        var udpLength = UdpHeader.Size + VxlanHeader.Size + inner.Length;
        var ipLength = IPv4Header.MinSize + udpLength;
        var frame = new byte[ethernet.HeaderLength + ipLength];
        ethernet.Write(frame);
        new IPv4Header(outer.SourceIp, outer.DestinationIp, IPv4Header.ProtocolUdp, (ushort)ipLength, identification: sourcePort)
            .Write(frame.AsSpan(ethernet.HeaderLength));
        var udp = frame.AsSpan(ethernet.HeaderLength + IPv4Header.MinSize);
        new VxlanHeader(vni).Write(udp[UdpHeader.Size..]);
        inner.CopyTo(udp[(UdpHeader.Size + VxlanHeader.Size)..]);
        new UdpHeader(sourcePort, destinationPort, (ushort)udpLength).Write(udp);
        var checksum = UdpHeader.ComputeChecksum(outer.SourceIp, outer.DestinationIp, udp);
        new UdpHeader(sourcePort, destinationPort, (ushort)udpLength, checksum).Write(udp);
        return frame;
    }

    /// <summary>Ethernet / IPv6 / UDP with a checksum over the IPv6 pseudo-header.</summary>
    public static byte[] UdpOverIPv6(MacAddress destinationMac, MacAddress sourceMac, UInt128 sourceIp, UInt128 destinationIp,
        ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var udpLength = UdpHeader.Size + payload.Length;
        var frame = new byte[EthernetHeader.Size + IPv6Header.Size + udpLength];
        new EthernetHeader(destinationMac, sourceMac, EtherType.IPv6).Write(frame);
        new IPv6Header(sourceIp, destinationIp, IPv4Header.ProtocolUdp, (ushort)udpLength).Write(frame.AsSpan(EthernetHeader.Size));
        var udp = frame.AsSpan(EthernetHeader.Size + IPv6Header.Size);
        payload.CopyTo(udp[UdpHeader.Size..]);
        new UdpHeader(sourcePort, destinationPort, (ushort)udpLength).Write(udp);
        var checksum = UdpHeader.ComputeChecksum(sourceIp, destinationIp, udp);
        new UdpHeader(sourcePort, destinationPort, (ushort)udpLength, checksum).Write(udp);
        return frame;
    }
}
