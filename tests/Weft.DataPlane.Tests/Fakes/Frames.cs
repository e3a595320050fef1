using Weft.Wire;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>Builds test frames with Weft's own codecs (the codecs are checked against tshark and the kernel in Weft.Wire.Tests).</summary>
public static class Frames
{
    public static byte[] ArpRequest(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp)
    {
        var frame = new byte[EthernetHeader.Size + ArpPacket.Size];
        new EthernetHeader(MacAddress.Broadcast, senderMac, EtherType.Arp).Write(frame);
        new ArpPacket(ArpPacket.OpRequest, senderMac, senderIp, default, targetIp).Write(frame.AsSpan(EthernetHeader.Size));
        return frame;
    }

    public static byte[] ArpReply(ArpPacket request, MacAddress ownerMac)
    {
        var frame = new byte[EthernetHeader.Size + ArpPacket.Size];
        new EthernetHeader(request.SenderMac, ownerMac, EtherType.Arp).Write(frame);
        request.ReplyFrom(ownerMac).Write(frame.AsSpan(EthernetHeader.Size));
        return frame;
    }

    public static byte[] IcmpEcho(MacAddress srcMac, MacAddress dstMac, IPv4Address srcIp, IPv4Address dstIp, byte type, ushort id, ushort seq, int dataLength = 56)
    {
        var frame = new byte[EthernetHeader.Size + IPv4Header.MinSize + Wire.IcmpEcho.Size + dataLength];
        new EthernetHeader(dstMac, srcMac, EtherType.IPv4).Write(frame);
        var ip = frame.AsSpan(EthernetHeader.Size);
        new IPv4Header(srcIp, dstIp, IPv4Header.ProtocolIcmp, (ushort)ip.Length, identification: seq).Write(ip);
        var icmp = ip[IPv4Header.MinSize..];
        for (var i = 0; i < dataLength; i++) icmp[Wire.IcmpEcho.Size + i] = (byte)i;
        new IcmpEcho(type, id, seq).Write(icmp);
        return frame;
    }

    public static byte[] Udp(MacAddress srcMac, MacAddress dstMac, IPv4Address srcIp, IPv4Address dstIp, ushort srcPort, ushort dstPort, int payloadLength)
    {
        var frame = new byte[EthernetHeader.Size + IPv4Header.MinSize + UdpHeader.Size + payloadLength];
        new EthernetHeader(dstMac, srcMac, EtherType.IPv4).Write(frame);
        var ip = frame.AsSpan(EthernetHeader.Size);
        new IPv4Header(srcIp, dstIp, IPv4Header.ProtocolUdp, (ushort)ip.Length).Write(ip);
        var udp = ip[IPv4Header.MinSize..];
        new UdpHeader(srcPort, dstPort, (ushort)udp.Length).Write(udp);
        new UdpHeader(srcPort, dstPort, (ushort)udp.Length, UdpHeader.ComputeChecksum(srcIp, dstIp, udp)).Write(udp);
        return frame;
    }

    /// <summary>Ethernet / IPv6 / UDP (checksum over the IPv6 pseudo-header), e.g. to an IPv6 multicast group.</summary>
    public static byte[] UdpV6(MacAddress srcMac, MacAddress dstMac, UInt128 srcIp, UInt128 dstIp, ushort port, int payloadLength)
    {
        var udpLength = UdpHeader.Size + payloadLength;
        var frame = new byte[EthernetHeader.Size + IPv6Header.Size + udpLength];
        new EthernetHeader(dstMac, srcMac, EtherType.IPv6).Write(frame);
        new IPv6Header(srcIp, dstIp, IPv4Header.ProtocolUdp, (ushort)udpLength, hopLimit: 1).Write(frame.AsSpan(EthernetHeader.Size));
        var udp = frame.AsSpan(EthernetHeader.Size + IPv6Header.Size);
        udp[UdpHeader.Size..].Fill(0x5a);
        new UdpHeader(port, port, (ushort)udpLength).Write(udp);
        new UdpHeader(port, port, (ushort)udpLength, UdpHeader.ComputeChecksum(srcIp, dstIp, udp)).Write(udp);
        return frame;
    }
}
