using Weft.Wire;

namespace Weft.Cli.Demo;

/// <summary>
/// One captured underlay frame taken apart with Weft's own codecs: outer Ethernet / IPv4 / UDP, the VXLAN header, and
/// the container's frame inside (Ethernet, IPv4 and, for a ping, the ICMP echo).
/// </summary>
internal sealed record VxlanPacket(
    int Length,
    EthernetHeader OuterEthernet,
    IPv4Header OuterIp,
    UdpHeader OuterUdp,
    byte VxlanFlags,
    VxlanHeader Vxlan,
    EthernetHeader InnerEthernet,
    IPv4Header? InnerIp,
    IcmpEcho? InnerEcho)
{
    /// <summary>Decodes <paramref name="frame"/>; false (with the reason) when it is not IPv4/UDP/VXLAN carrying Ethernet.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, out VxlanPacket? packet, out string problem)
    {
        packet = null;
        if (!EthernetHeader.TryRead(frame, out var outerEth) || outerEth.EtherType != EtherType.IPv4)
            return Fail("the outer frame is not Ethernet carrying IPv4", out problem);
        var afterEth = frame[outerEth.HeaderLength..];
        if (!IPv4Header.TryRead(afterEth, out var outerIp) || outerIp.Protocol != IPv4Header.ProtocolUdp)
            return Fail("the outer packet is not IPv4 carrying UDP", out problem);
        var datagram = afterEth[outerIp.HeaderLength..outerIp.TotalLength];
        if (!UdpHeader.TryRead(datagram, out var udp))
            return Fail("the outer UDP header is damaged", out problem);
        var payload = datagram[UdpHeader.Size..udp.Length];
        if (!VxlanHeader.TryRead(payload, out var vxlan))
            return Fail($"the UDP payload to port {udp.DestinationPort} is not VXLAN (no I flag)", out problem);
        var inner = payload[VxlanHeader.Size..];
        if (!EthernetHeader.TryRead(inner, out var innerEth))
            return Fail("the VXLAN payload is shorter than an Ethernet header", out problem);

        IPv4Header? innerIp = null;
        IcmpEcho? echo = null;
        if (innerEth.EtherType == EtherType.IPv4 && IPv4Header.TryRead(inner[innerEth.HeaderLength..], out var ip))
        {
            innerIp = ip;
            var transport = inner[(innerEth.HeaderLength + ip.HeaderLength)..(innerEth.HeaderLength + ip.TotalLength)];
            if (ip.Protocol == IPv4Header.ProtocolIcmp && IcmpEcho.TryRead(transport, out var icmp))
                echo = icmp;
        }
        packet = new VxlanPacket(frame.Length, outerEth, outerIp, udp, payload[0], vxlan, innerEth, innerIp, echo);
        problem = "";
        return true;
    }

    /// <summary>The bytes in front of the container's IP packet on the underlay's IP MTU: outer IPv4 + UDP + VXLAN + inner Ethernet.</summary>
    public int Overhead => OuterIp.HeaderLength + UdpHeader.Size + VxlanHeader.Size + InnerEthernet.HeaderLength;

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
