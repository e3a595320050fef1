using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Tests.Fakes;
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

    [Fact]
    public void Garbage_does_not_throw() =>
        Gen.Byte.Array[0, 200].Sample(bytes => FlowHash.SourcePort(bytes) >= FlowHash.PortRangeStart);
}
