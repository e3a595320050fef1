namespace Weft.Wire.Tests.Support;

/// <summary>The two ends of a kernel-vxlan rig: underlay address, overlay address and vxlan device MAC of each.</summary>
public sealed record VxlanEnd(IPv4Address Underlay, IPv4Address Overlay, MacAddress DeviceMac);

/// <summary>How the kernel filled the outer UDP checksum of a captured packet.</summary>
public enum OuterUdpChecksum
{
    /// <summary>Zero: no checksum (allowed over IPv4).</summary>
    Absent,
    /// <summary>A full, valid checksum.</summary>
    Valid,
    /// <summary>CHECKSUM_PARTIAL seen before the (virtual) NIC finishes it: the field holds the folded pseudo-header sum.</summary>
    PartialPseudoHeader,
}

/// <summary>What a capture held, counted by inner protocol.</summary>
public sealed record KernelVxlanSummary(int ArpRequests, int ArpReplies, int EchoRequests, int EchoReplies, int IPv6, IReadOnlyList<OuterUdpChecksum> UdpChecksums);

/// <summary>
/// Checks frames captured on the underlay between two kernel vxlan devices with Weft's codecs alone:
/// every frame must parse as Ethernet → IPv4 → UDP 4789 → VXLAN (VNI) → inner Ethernet → ARP / IPv4 ICMP echo / IPv6,
/// with the addresses of the two ends and checksums the kernel computed.
/// </summary>
public static class KernelVxlanCapture
{
    public static KernelVxlanSummary Check(IReadOnlyList<byte[]> frames, uint vni, VxlanEnd a, VxlanEnd b)
    {
        int arpRequests = 0, arpReplies = 0, echoRequests = 0, echoReplies = 0, ipv6 = 0;
        var udpChecksums = new List<OuterUdpChecksum>();
        for (var i = 0; i < frames.Count; i++)
        {
            var where = $"captured frame #{i + 1}";
            var d = VxlanFrame.TryDecode(frames[i], out var why) ?? throw new Xunit.Sdk.XunitException($"{where}: Weft could not decode {why}");
            Assert.True(d.OuterIpChecksumValid, $"{where}: outer IPv4 checksum invalid");
            var (from, to) = d.OuterIp.Source == a.Underlay ? (a, b) : (b, a);
            Assert.Equal(from.Underlay, d.OuterIp.Source);
            Assert.Equal(to.Underlay, d.OuterIp.Destination);
            Assert.Equal(VxlanHeader.DefaultPort, d.Udp.DestinationPort);
            Assert.Equal(vni, d.Vxlan.Vni);
            udpChecksums.Add(Classify(d));
            Assert.Equal(from.DeviceMac, d.Inner.Source);

            switch (d.Inner.EtherType)
            {
                case EtherType.Arp:
                    Assert.True(ArpPacket.TryRead(d.InnerPayload, out var arp), $"{where}: inner ARP");
                    Assert.Equal(from.DeviceMac, arp.SenderMac);
                    Assert.Equal(from.Overlay, arp.SenderIp);
                    Assert.Equal(to.Overlay, arp.TargetIp);
                    if (arp.IsRequest)
                    {
                        // Broadcast, or unicast when the kernel re-probes a stale neighbour entry.
                        Assert.True(d.Inner.Destination.IsBroadcast || d.Inner.Destination == to.DeviceMac,
                            $"{where}: ARP request to {d.Inner.Destination}");
                        arpRequests++;
                    }
                    else
                    {
                        Assert.Equal(to.DeviceMac, arp.TargetMac);
                        Assert.Equal(to.DeviceMac, d.Inner.Destination);
                        arpReplies++;
                    }
                    break;
                case EtherType.IPv4:
                    Assert.True(IPv4Header.TryRead(d.InnerPayload, out var ip), $"{where}: inner IPv4");
                    Assert.True(IPv4Header.IsChecksumValid(d.InnerPayload), $"{where}: inner IPv4 checksum");
                    Assert.Equal(from.Overlay, ip.Source);
                    Assert.Equal(to.Overlay, ip.Destination);
                    Assert.Equal(to.DeviceMac, d.Inner.Destination);
                    Assert.Equal(IPv4Header.ProtocolIcmp, ip.Protocol);
                    var icmp = d.InnerPayload.Slice(ip.HeaderLength, ip.PayloadLength);
                    Assert.True(IcmpEcho.TryRead(icmp, out var echo), $"{where}: ICMP echo");
                    Assert.True(IcmpEcho.IsChecksumValid(icmp), $"{where}: ICMP checksum computed by the kernel is invalid for Weft");
                    if (echo.IsRequest) echoRequests++; else echoReplies++;
                    break;
                case EtherType.IPv6:
                    // The kernel's own IPv6 chatter on the vxlan device (neighbour discovery, MLD).
                    Assert.True(IPv6Header.TryRead(d.InnerPayload, out var ip6), $"{where}: inner IPv6");
                    if (ip6.NextHeader == 58)
                    {
                        var message = d.InnerPayload.Slice(IPv6Header.Size, ip6.PayloadLength);
                        var sum = Checksum.Add(IPv6Header.PseudoHeaderSum(ip6.Source, ip6.Destination, 58, message.Length), message);
                        Assert.True(Checksum.Fold(sum) == 0, $"{where}: ICMPv6 checksum (IPv6 pseudo-header) invalid for Weft");
                    }
                    ipv6++;
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"{where}: unexpected inner EtherType 0x{d.Inner.EtherType:x4}");
            }
        }
        return new KernelVxlanSummary(arpRequests, arpReplies, echoRequests, echoReplies, ipv6, udpChecksums);
    }

    private static OuterUdpChecksum Classify(VxlanFrame d)
    {
        if (d.Udp.Checksum == 0) return OuterUdpChecksum.Absent;
        if (UdpHeader.IsChecksumValid(d.OuterIp.Source, d.OuterIp.Destination, d.UdpDatagram)) return OuterUdpChecksum.Valid;
        var partial = (ushort)~Checksum.Fold(IPv4Header.PseudoHeaderSum(d.OuterIp.Source, d.OuterIp.Destination, IPv4Header.ProtocolUdp, d.Udp.Length));
        Assert.True(d.Udp.Checksum == partial,
            $"outer UDP checksum 0x{d.Udp.Checksum:x4} is neither absent, valid, nor the partial pseudo-header sum 0x{partial:x4}");
        return OuterUdpChecksum.PartialPseudoHeader;
    }
}
