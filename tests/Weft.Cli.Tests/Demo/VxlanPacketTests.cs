using System.Buffers.Binary;
using Weft.Cli.Demo;
using Weft.Wire;

namespace Weft.Cli.Tests.Demo;

/// <summary>The demo's pcap reader and VXLAN decoder on frames built with Weft.Wire's writers, and on garbage (no root).</summary>
public sealed class VxlanPacketTests
{
    private static readonly IPv4Address H1 = IPv4Address.Parse("198.51.100.1");
    private static readonly IPv4Address H2 = IPv4Address.Parse("198.51.100.2");
    private static readonly IPv4Address A = IPv4Address.Parse("10.0.0.2");
    private static readonly IPv4Address B = IPv4Address.Parse("10.0.0.3");

    /// <summary>An echo request from A to B inside VXLAN <paramref name="vni"/> from H1 to H2, 56 data bytes like ping's.</summary>
    internal static byte[] EncapsulatedPing(uint vni, ushort sourcePort = 4789)
    {
        const int icmpLength = IcmpEcho.Size + 56;
        const int innerLength = EthernetHeader.Size + IPv4Header.MinSize + icmpLength;
        const int udpLength = UdpHeader.Size + VxlanHeader.Size + innerLength;
        var frame = new byte[EthernetHeader.Size + IPv4Header.MinSize + udpLength];
        var span = frame.AsSpan();
        new EthernetHeader(MacAddress.Parse("36:78:1e:4e:66:ee"), MacAddress.Parse("92:59:04:67:5d:7c"), EtherType.IPv4).Write(span);
        new IPv4Header(H1, H2, IPv4Header.ProtocolUdp, (ushort)(IPv4Header.MinSize + udpLength)).Write(span[14..]);
        new UdpHeader(sourcePort, VxlanHeader.DefaultPort, udpLength).Write(span[34..]);
        new VxlanHeader(vni).Write(span[42..]);
        new EthernetHeader(MacAddress.FromIPv4(B), MacAddress.FromIPv4(A), EtherType.IPv4).Write(span[50..]);
        new IPv4Header(A, B, IPv4Header.ProtocolIcmp, IPv4Header.MinSize + icmpLength).Write(span[64..]);
        new IcmpEcho(IcmpEcho.TypeEchoRequest, 0x1413, 1).Write(span.Slice(84, icmpLength));
        return frame;
    }

    private static byte[] Pcap(params byte[][] frames)
    {
        using var file = new MemoryStream();
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), PcapFile.LinkTypeEthernet);
        file.Write(header);
        foreach (var frame in frames)
        {
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            file.Write(record);
            file.Write(frame);
        }
        return file.ToArray();
    }

    [Fact]
    public void DecodesEveryLayerOfACapturedPing()
    {
        var frames = PcapFile.ReadFrames(Pcap(EncapsulatedPing(4096)), out var problem);

        Assert.Null(problem);
        var frame = Assert.Single(frames);
        Assert.Equal(148, frame.Length);
        Assert.True(VxlanPacket.TryDecode(frame, out var packet, out var why), why);
        Assert.Equal((H1, H2, IPv4Header.ProtocolUdp), (packet!.OuterIp.Source, packet.OuterIp.Destination, packet.OuterIp.Protocol));
        Assert.Equal(VxlanHeader.DefaultPort, packet.OuterUdp.DestinationPort);
        Assert.Equal(VxlanHeader.FlagI, packet.VxlanFlags);
        Assert.Equal(4096u, packet.Vxlan.Vni);
        Assert.Equal((MacAddress.FromIPv4(A), MacAddress.FromIPv4(B)), (packet.InnerEthernet.Source, packet.InnerEthernet.Destination));
        Assert.Equal((A, B), (packet.InnerIp!.Value.Source, packet.InnerIp.Value.Destination));
        Assert.True(packet.InnerEcho!.Value.IsRequest);
        Assert.Equal((ushort)1, packet.InnerEcho.Value.Sequence);
        Assert.Equal(VxlanHeader.OverheadIPv4, packet.Overhead);
    }

    [Fact]
    public void PlainUdpIsNotVxlanAndSaysWhy()
    {
        var frame = EncapsulatedPing(4096);
        frame[42] = 0; // clear the I flag

        Assert.False(VxlanPacket.TryDecode(frame, out _, out var why));
        Assert.Contains("not VXLAN", why);
    }

    [Fact]
    public void ATruncatedCaptureKeepsTheWholeFramesAndSaysWhereItStopped()
    {
        var file = Pcap(EncapsulatedPing(7), EncapsulatedPing(8));

        var frames = PcapFile.ReadFrames(file.AsSpan(0, file.Length - 10), out var problem);

        Assert.Single(frames);
        Assert.Contains("runs past the end", problem);
    }

    [Fact]
    public void GarbageNeverThrows() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            PcapFile.ReadFrames(bytes, out _);
            VxlanPacket.TryDecode(bytes, out _, out _);
            var ping = EncapsulatedPing(9);
            bytes.AsSpan(0, Math.Min(bytes.Length, ping.Length - 20)).CopyTo(ping.AsSpan(20));
            VxlanPacket.TryDecode(ping, out _, out _);
        });
}
