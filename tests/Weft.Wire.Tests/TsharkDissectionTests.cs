using System.Buffers.Binary;
using System.Net;
using Weft.TestSupport;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

/// <summary>
/// Frames written with Weft's codecs, saved as a pcap and dissected by tshark: tshark must see the VNI, MACs,
/// addresses, ports and checksum status Weft meant to write. The pcap is written and dissected once for the class.
/// </summary>
public sealed class TsharkDissectionTests
{
    private const int EchoCount = 4;
    private static readonly int[] EchoDataLengths = [0, 1, 56, 1001]; // odd lengths exercise the padded last checksum byte
    private static readonly MacAddress VtepMacA = MacAddress.Parse("02:00:c6:33:64:01");
    private static readonly MacAddress VtepMacB = MacAddress.Parse("02:00:c6:33:64:02");
    private static readonly UInt128 V6Source = Ip6("2001:db8::1");
    private static readonly UInt128 V6Destination = Ip6("2001:db8:0:1::2");

    private static readonly Lazy<(byte[][] Frames, IReadOnlyList<DissectedPacket> Packets)> Dissection = new(BuildAndDissect);

    private static Underlay Outer(int x) => new(VtepMacA, VtepMacB,
        IPv4Address.Parse("198.51.100.1"), IPv4Address.Parse($"198.51.100.{2 + x}"));
    private static ushort SourcePort(int x) => (ushort)(49152 + x);
    private static uint Vni(int x) => (uint)(4096 + x);
    private static MacAddress InnerMac(int x, int host) => MacAddress.FromIPv4(InnerIp(x, host));
    private static IPv4Address InnerIp(int x, int host) => IPv4Address.Parse($"10.{x}.0.{host}");

    private static byte[] EchoData(int length) => Enumerable.Range(0, length).Select(i => (byte)(0xA5 ^ i)).ToArray();

    private static byte[] InnerEcho(int x) => Frames.IcmpEcho(InnerMac(x, 2), InnerMac(x, 1), InnerIp(x, 1), InnerIp(x, 2),
        IcmpEcho.TypeEchoRequest, (ushort)(0x1000 + x), (ushort)(x + 1), EchoData(EchoDataLengths[x]));

    private const int ArpIndex = EchoCount;
    private const int Ipv6Index = EchoCount + 1;
    private const int BadUdpIndex = EchoCount + 2;
    private const int BadIpIndex = EchoCount + 3;
    private const int BadIcmpIndex = EchoCount + 4;
    private const int VlanIndex = EchoCount + 5;
    private const ushort VlanTci = 0x2064; // PCP 1, VLAN 100
    private const int OptionsIndex = EchoCount + 6;
    private static readonly byte[] RouterAlert = [0x94, 0x04, 0x00, 0x00]; // RFC 2113, the option IGMP and RSVP carry

    private static (byte[][], IReadOnlyList<DissectedPacket>) BuildAndDissect()
    {
        var frames = new List<byte[]>();
        for (var x = 0; x < EchoCount; x++) frames.Add(Frames.Vxlan(Outer(x), SourcePort(x), Vni(x), InnerEcho(x)));
        frames.Add(Frames.Vxlan(Outer(ArpIndex), SourcePort(ArpIndex), Vni(ArpIndex),
            Frames.ArpRequest(InnerMac(ArpIndex, 1), InnerIp(ArpIndex, 1), InnerIp(ArpIndex, 2))));
        frames.Add(Frames.UdpOverIPv6(VtepMacB, VtepMacA, V6Source, V6Destination, 40000, 5001, EchoData(33)));

        var badUdp = Frames.Vxlan(Outer(0), SourcePort(0), Vni(0), InnerEcho(2));
        badUdp[UdpChecksumOffset] ^= 0x5A;
        frames.Add(badUdp);

        var badIp = Frames.Vxlan(Outer(0), SourcePort(0), Vni(0), InnerEcho(2));
        badIp[EthernetHeader.Size + 10] ^= 0x5A; // IPv4 header checksum, high byte
        frames.Add(badIp);

        var innerBadIcmp = InnerEcho(2);
        innerBadIcmp[EthernetHeader.Size + IPv4Header.MinSize + 2] ^= 0x5A; // ICMP checksum, then encapsulated with a good UDP checksum
        frames.Add(Frames.Vxlan(Outer(0), SourcePort(0), Vni(0), innerBadIcmp));

        frames.Add(Frames.Vxlan(Outer(1), SourcePort(1), Vni(1), InnerEcho(1), VlanTci));

        var withOptions = new byte[EthernetHeader.Size + 24 + 8]; // IPv4 with Router Alert + 8 bytes of IGMPv2 report
        new EthernetHeader(MacAddress.Parse("01:00:5e:00:00:fb"), VtepMacA, EtherType.IPv4).Write(withOptions);
        Assert.True(new IPv4Header(IPv4Address.Parse("10.0.0.1"), IPv4Address.Parse("224.0.0.251"), 2, 32, ttl: 1, tos: 0xc0)
            .TryWrite(withOptions.AsSpan(EthernetHeader.Size), RouterAlert));
        frames.Add(withOptions);

        var path = Path.Combine(Path.GetTempPath(), $"weft-wire-{Guid.NewGuid():N}.pcap");
        try
        {
            PcapWriter.Write(path, frames);
            return (frames.ToArray(), Tshark.Dissect(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const int UdpChecksumOffset = EthernetHeader.Size + IPv4Header.MinSize + 6;

    private static UInt128 Ip6(string text) => BinaryPrimitives.ReadUInt128BigEndian(IPAddress.Parse(text).GetAddressBytes());

    [ToolFact("tshark")]
    public void Tshark_sees_every_frame_weft_wrote()
    {
        var (frames, packets) = Dissection.Value;
        Assert.Equal(frames.Length, packets.Count);
        for (var i = 0; i < frames.Length; i++)
            Assert.Equal(frames[i].Length.ToString(), packets[i].Field("frame", "frame.len"));
    }

    [ToolFact("tshark")]
    public void Vxlan_icmp_echo_frames_dissect_to_the_fields_weft_wrote_with_good_checksums()
    {
        var (_, packets) = Dissection.Value;
        for (var x = 0; x < EchoCount; x++)
        {
            var p = packets[x];
            Assert.Equal(["frame", "eth", "ip", "udp", "vxlan", "eth", "ip", "icmp"], p.LayerNames.Take(8));

            Assert.Equal(VtepMacA.ToString(), p.Field("eth", "eth.src"));
            Assert.Equal(VtepMacB.ToString(), p.Field("eth", "eth.dst"));
            Assert.Equal(Outer(x).SourceIp.ToString(), p.Field("ip", "ip.src"));
            Assert.Equal(Outer(x).DestinationIp.ToString(), p.Field("ip", "ip.dst"));
            Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status"));
            Assert.Equal(SourcePort(x).ToString(), p.Field("udp", "udp.srcport"));
            Assert.Equal("4789", p.Field("udp", "udp.dstport"));
            Assert.Equal(Tshark.ChecksumGood, p.Field("udp", "udp.checksum.status"));

            Assert.Equal("1", p.Field("vxlan", "vxlan.flag_i"));
            Assert.Equal(Vni(x).ToString(), p.Field("vxlan", "vxlan.vni"));

            Assert.Equal(InnerMac(x, 1).ToString(), p.Field("eth", "eth.src", 1));
            Assert.Equal(InnerMac(x, 2).ToString(), p.Field("eth", "eth.dst", 1));
            Assert.Equal(InnerIp(x, 1).ToString(), p.Field("ip", "ip.src", 1));
            Assert.Equal(InnerIp(x, 2).ToString(), p.Field("ip", "ip.dst", 1));
            Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status", 1));

            Assert.Equal("8", p.Field("icmp", "icmp.type"));
            Assert.Equal((0x1000 + x).ToString(), p.Field("icmp", "icmp.ident"));
            Assert.Equal((x + 1).ToString(), p.Field("icmp", "icmp.seq"));
            Assert.Equal(Tshark.ChecksumGood, p.Field("icmp", "icmp.checksum.status"));
            if (EchoDataLengths[x] > 0) Assert.Equal(EchoDataLengths[x].ToString(), p.Field("icmp", "data.len"));
        }
    }

    [ToolFact("tshark")]
    public void Vxlan_arp_request_dissects_to_the_fields_weft_wrote()
    {
        var p = Dissection.Value.Packets[ArpIndex];
        Assert.Equal(["frame", "eth", "ip", "udp", "vxlan", "eth", "arp"], p.LayerNames);
        Assert.Equal(Vni(ArpIndex).ToString(), p.Field("vxlan", "vxlan.vni"));
        Assert.Equal(SourcePort(ArpIndex).ToString(), p.Field("udp", "udp.srcport"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("udp", "udp.checksum.status"));
        Assert.Equal("ff:ff:ff:ff:ff:ff", p.Field("eth", "eth.dst", 1));
        Assert.Equal(InnerMac(ArpIndex, 1).ToString(), p.Field("eth", "eth.src", 1));
        Assert.Equal("1", p.Field("arp", "arp.opcode"));
        Assert.Equal(InnerMac(ArpIndex, 1).ToString(), p.Field("arp", "arp.src.hw_mac"));
        Assert.Equal(InnerIp(ArpIndex, 1).ToString(), p.Field("arp", "arp.src.proto_ipv4"));
        Assert.Equal("00:00:00:00:00:00", p.Field("arp", "arp.dst.hw_mac"));
        Assert.Equal(InnerIp(ArpIndex, 2).ToString(), p.Field("arp", "arp.dst.proto_ipv4"));
    }

    [ToolFact("tshark")]
    public void Udp_over_ipv6_checksum_is_good_for_tshark()
    {
        var p = Dissection.Value.Packets[Ipv6Index];
        Assert.Equal(IPAddress.Parse("2001:db8::1"), IPAddress.Parse(p.Field("ipv6", "ipv6.src")));
        Assert.Equal(IPAddress.Parse("2001:db8:0:1::2"), IPAddress.Parse(p.Field("ipv6", "ipv6.dst")));
        Assert.Equal("17", p.Field("ipv6", "ipv6.nxt"));
        Assert.Equal("41", p.Field("ipv6", "ipv6.plen"));
        Assert.Equal("40000", p.Field("udp", "udp.srcport"));
        Assert.Equal("5001", p.Field("udp", "udp.dstport"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("udp", "udp.checksum.status"));
    }

    [ToolFact("tshark")]
    public void Corrupted_udp_checksum_is_bad_for_tshark_and_for_weft()
    {
        var (frames, packets) = Dissection.Value;
        Assert.Equal(Tshark.ChecksumBad, packets[BadUdpIndex].Field("udp", "udp.checksum.status"));
        Assert.Equal(Tshark.ChecksumGood, packets[BadUdpIndex].Field("ip", "ip.checksum.status"));
        var decoded = Decode(frames[BadUdpIndex]);
        Assert.False(UdpHeader.IsChecksumValid(decoded.OuterIp.Source, decoded.OuterIp.Destination, decoded.UdpDatagram));
        Assert.True(decoded.OuterIpChecksumValid);
    }

    [ToolFact("tshark")]
    public void Corrupted_ipv4_checksum_is_bad_for_tshark_and_for_weft()
    {
        var (frames, packets) = Dissection.Value;
        Assert.Equal(Tshark.ChecksumBad, packets[BadIpIndex].Field("ip", "ip.checksum.status"));
        var decoded = Decode(frames[BadIpIndex]);
        Assert.False(decoded.OuterIpChecksumValid);
        Assert.False(IPv4Header.IsChecksumValid(frames[BadIpIndex].AsSpan(EthernetHeader.Size)));
    }

    [ToolFact("tshark")]
    public void Corrupted_inner_icmp_checksum_is_bad_for_tshark_and_for_weft_while_the_outer_ones_stay_good()
    {
        var (frames, packets) = Dissection.Value;
        var p = packets[BadIcmpIndex];
        Assert.Equal(Tshark.ChecksumBad, p.Field("icmp", "icmp.checksum.status"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("udp", "udp.checksum.status"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status", 1));
        var decoded = Decode(frames[BadIcmpIndex]);
        Assert.True(UdpHeader.IsChecksumValid(decoded.OuterIp.Source, decoded.OuterIp.Destination, decoded.UdpDatagram));
        Assert.True(IPv4Header.TryRead(decoded.InnerPayload, out var innerIp));
        Assert.False(IcmpEcho.IsChecksumValid(decoded.InnerPayload.Slice(innerIp.HeaderLength, innerIp.PayloadLength)));
    }

    [ToolFact("tshark")]
    public void An_8021q_tagged_outer_frame_is_dissected_through_the_tag_by_both()
    {
        var (frames, packets) = Dissection.Value;
        var p = packets[VlanIndex];
        Assert.Equal(["frame", "eth", "vlan", "ip", "udp", "vxlan", "eth", "ip", "icmp"], p.LayerNames);
        Assert.Equal("100", p.Field("vlan", "vlan.id"));
        Assert.Equal("1", p.Field("vlan", "vlan.priority"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("udp", "udp.checksum.status"));
        Assert.Equal(Vni(1).ToString(), p.Field("vxlan", "vxlan.vni"));
        var decoded = Decode(frames[VlanIndex]);
        Assert.Equal(VlanTci, decoded.Outer.VlanTci);
        Assert.Equal(Vni(1), decoded.Vxlan.Vni);
        Assert.Equal(InnerMac(1, 2), decoded.Inner.Destination);
    }

    [ToolFact("tshark")]
    public void An_ipv4_header_with_options_has_the_length_option_and_checksum_tshark_expects()
    {
        var p = Dissection.Value.Packets[OptionsIndex];
        Assert.Equal("24", p.Field("ip", "ip.hdr_len"));
        Assert.Equal(Tshark.ChecksumGood, p.Field("ip", "ip.checksum.status"));
        Assert.Equal("10.0.0.1", p.Field("ip", "ip.src"));
        Assert.Equal("224.0.0.251", p.Field("ip", "ip.dst"));
        Assert.Equal("2", p.Field("ip", "ip.proto"));
        Assert.Equal("148", p.Field("ip", "ip.opt.type")); // 0x94: copied, class 0, number 20 (Router Alert)
        Assert.Equal("0", p.Field("ip", "ip.opt.ra"));    // "every router examines this packet"
    }

    [ToolFact("tshark")]
    public void Weft_reads_back_what_tshark_read()
    {
        var (frames, packets) = Dissection.Value;
        for (var x = 0; x < EchoCount; x++)
        {
            var decoded = Decode(frames[x]);
            Assert.Equal(packets[x].Field("vxlan", "vxlan.vni"), decoded.Vxlan.Vni.ToString());
            Assert.Equal(packets[x].Field("ip", "ip.checksum"), $"0x{decoded.OuterIp.Checksum:x4}");
            Assert.Equal(packets[x].Field("udp", "udp.checksum"), $"0x{decoded.Udp.Checksum:x4}");
            Assert.Equal(packets[x].Field("udp", "udp.length"), decoded.Udp.Length.ToString());
            Assert.Equal(packets[x].Field("ip", "ip.len", 1), IPv4Header.TryRead(decoded.InnerPayload, out var inner)
                ? inner.TotalLength.ToString() : "unparsed");
        }
    }

    private static VxlanFrame Decode(byte[] frame) =>
        VxlanFrame.TryDecode(frame, out var why) ?? throw new Xunit.Sdk.XunitException($"Weft could not decode the frame: {why}");
}
