using System.Buffers.Binary;
using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Tests.Fakes;
using Weft.DataPlane.Tests.Offload;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Forwarding;

public class FlowHashTests
{
    private static readonly IPv4Address A = IPv4Address.Parse("10.0.0.2");
    private static readonly IPv4Address B = IPv4Address.Parse("10.0.0.3");

    [Fact]
    public void One_flow_keeps_one_port_whatever_its_payload()
    {
        var first = FlowHash.SourcePort(Frames.Udp(MacAddress.FromIPv4(A), MacAddress.FromIPv4(B), A, B, 40000, 5201, 100));
        var second = FlowHash.SourcePort(Frames.Udp(MacAddress.FromIPv4(A), MacAddress.FromIPv4(B), A, B, 40000, 5201, 1400));
        Assert.Equal(first, second);
        Assert.InRange(first, FlowHash.PortRangeStart, (ushort)65535);
    }

    [Fact]
    public void Different_flows_spread_over_many_ports()
    {
        var ports = Enumerable.Range(0, 64)
            .Select(i => FlowHash.SourcePort(Frames.Udp(MacAddress.FromIPv4(A), MacAddress.FromIPv4(B), A, B, (ushort)(40000 + i), 5201, 10)))
            .ToHashSet();
        Assert.True(ports.Count > 50, $"only {ports.Count} distinct ports for 64 flows");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_tcp_flow_keeps_one_port_whatever_its_sequence_ack_flags_payload_and_ip_id(bool ipv6)
    {
        const byte syn = 0x02, ack = 0x10, psh = 0x08, fin = 0x01;
        byte[][] segments =
        [
            TcpFrames.Make(ipv6, 1000, syn, []),
            WithAck(TcpFrames.Make(ipv6, 1001, ack, [], ipId: 101), 5000),
            WithAck(TcpFrames.Make(ipv6, 1001, ack | psh, TcpFrames.Payload(1400), ipId: 102), 5000),
            WithAck(TcpFrames.Make(ipv6, 2401, ack | psh, TcpFrames.Payload(7), ipId: 103), 9999),
            WithAck(TcpFrames.Make(ipv6, 2408, ack | fin, [], ipId: 104), 123456789),
        ];
        var ports = segments.Select(f => FlowHash.SourcePort(f)).Distinct().ToList();
        Assert.Single(ports);
        Assert.InRange(ports[0], FlowHash.PortRangeStart, (ushort)65535);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Different_tcp_flows_spread_over_many_ports(bool ipv6)
    {
        var ports = Enumerable.Range(0, 64)
            .Select(i => FlowHash.SourcePort(TcpFrames.Make(ipv6, 1, 0x10, TcpFrames.Payload(100), srcPort: (ushort)(40000 + i))))
            .ToHashSet();
        Assert.True(ports.Count > 50, $"only {ports.Count} distinct ports for 64 TCP flows");
    }

    [Fact]
    public void Tcp_and_udp_with_the_same_ports_are_different_flows()
    {
        var tcp = TcpFrames.Make(false, 1, 0x10, [], srcPort: 40000);
        var udp = Frames.Udp(MacAddress.FromIPv4(A), MacAddress.FromIPv4(B), A, B, 40000, 5201, 10);
        Assert.NotEqual(FlowHash.SourcePort(tcp), FlowHash.SourcePort(udp));
    }

    /// <summary>Rewrites the TCP acknowledgment number (the checksum is not needed by the hash).</summary>
    private static byte[] WithAck(byte[] frame, uint ackNumber)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + TcpFrames.IpHeaderLength(frame) + 8), ackNumber);
        return frame;
    }

    [Fact]
    public void Garbage_does_not_throw() =>
        Gen.Byte.Array[0, 200].Sample(bytes => FlowHash.SourcePort(bytes) >= FlowHash.PortRangeStart);
}
