using System.Buffers.Binary;
using Weft.DataPlane.Tests.Offload;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>The outer UDP source port as the underlay sees it: one per inner flow (RFC 7348 §5 ECMP entropy).</summary>
public sealed partial class MultiHostTests
{
    [Fact]
    public void Every_datagram_of_one_tcp_flow_carries_the_same_source_port_and_flows_spread()
    {
        // TcpFrames builds 10.0.0.2 (container a, MAC 02:42:0a:00:00:02) -> 10.0.0.3 (container b) segments.
        Assert.Equal(_a.Mac, MacAddress.Read(TcpFrames.Make(false, 1, 0x10, [])[6..]));
        Assert.Equal(_b.Mac, MacAddress.Read(TcpFrames.Make(false, 1, 0x10, [])));
        const int flows = 8;
        var sent = 0;
        for (var flow = 0; flow < flows; flow++)
        {
            var port = (ushort)(40000 + flow);
            _a.Send(TcpFrames.Make(false, 1000, 0x02, [], ipId: 1, srcPort: port));                          // SYN
            _a.Send(TcpFrames.Make(false, 1001, 0x10, [], ipId: 2, srcPort: port));                          // ACK
            _a.Send(TcpFrames.Make(false, 1001, 0x18, TcpFrames.Payload(1400), ipId: 3, srcPort: port));     // PSH ACK
            _a.Send(TcpFrames.Make(false, 2401, 0x18, TcpFrames.Payload(33), ipId: 4, srcPort: port));
            _a.Send(TcpFrames.Make(false, 2434, 0x11, [], ipId: 5, srcPort: port));                          // FIN ACK
            sent += 5;
        }
        Assert.True(SpinWait.SpinUntil(() => _b.Received.Count == sent, 2000), $"b received {_b.Received.Count} of {sent}");

        var datagrams = _fabric.Captured.Where(d => d.To == _h2.Address).ToList();
        Assert.Equal(sent, datagrams.Count);
        var portsPerFlow = datagrams
            .GroupBy(d => InnerTcpSourcePort(d.Payload))
            .ToDictionary(g => g.Key, g => g.Select(d => d.SourcePort).Distinct().ToList());
        Assert.Equal(flows, portsPerFlow.Count);
        Assert.All(portsPerFlow.Values, ports => Assert.Single(ports));
        Assert.All(portsPerFlow.Values, ports => Assert.InRange(ports[0], (ushort)49152, (ushort)65535));
        var distinct = portsPerFlow.Values.Select(p => p[0]).Distinct().Count();
        Assert.True(distinct > flows / 2, $"{flows} flows used only {distinct} source ports");
    }

    private static ushort InnerTcpSourcePort(byte[] payload)
    {
        var inner = payload.AsSpan(VxlanHeader.Size);
        Assert.True(EthernetHeader.TryRead(inner, out var eth));
        Assert.True(IPv4Header.TryRead(inner[eth.HeaderLength..], out var ip));
        Assert.Equal(IPv4Header.ProtocolTcp, ip.Protocol);
        return BinaryPrimitives.ReadUInt16BigEndian(inner[(eth.HeaderLength + ip.HeaderLength)..]);
    }
}
