using System.Net;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Seams;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Devices;

/// <summary>
/// Per-flow outer source ports between two namespaces over a real veth: datagrams leave from the pool socket their flow
/// hash picks (seen by the receiver and by <c>ss</c>), one flow from one port, and nothing queues on the pool sockets.
/// </summary>
public sealed class UdpUnderlaySourcePortTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip", "ss")]
    public void Plain_path_sends_each_flow_from_one_pool_port_and_spreads_flows_over_the_pool() => Spreads(OffloadSettings.Off);

    [RootFact("ip", "ss")]
    public void Batched_path_sends_each_flow_from_one_pool_port_and_spreads_flows_over_the_pool() => Spreads(OffloadSettings.On);

    private void Spreads(OffloadSettings offloads)
    {
        var (a, b) = _ns.UnderlayPair();
        using var left = new UdpUnderlay(a, IPAddress.Parse("198.51.100.1"), 4789, offloads, sourcePorts: 4);
        using var right = new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789, offloads);
        var pool = left.SourcePorts;
        Assert.Equal(4, pool.Distinct().Count());
        Assert.DoesNotContain((ushort)4789, pool);
        var bound = Ip.Exec(a, "ss", "-H", "-u", "-a", "-n").StdOut;
        Assert.All(pool, port => Assert.Contains($"198.51.100.1:{port}", bound));

        // 8 flows (flow ports 50000..50007 cover every pool slot twice), 3 datagrams each, interleaved; the flow id is in the payload.
        var flows = Enumerable.Range(0, 8).Select(f => (ushort)(50000 + f)).ToArray();
        var outgoing = Enumerable.Range(0, 3).SelectMany(_ => flows).Select((flow, i) =>
        {
            var p = new PacketBuffer();
            p.Load([0x08, 0, 0, 0, 0, 0, 42, 0, (byte)(flow - 50000), (byte)i]);
            p.Peer = right.LocalEndpoint;
            p.SourcePort = flow;
            return p;
        }).ToArray();
        left.Send(outgoing);
        Assert.Equal(0, left.SendDrops);

        var bySourcePort = new List<(int Flow, ushort Port)>();
        var incoming = Enumerable.Range(0, 32).Select(_ => new PacketBuffer()).ToArray();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        while (bySourcePort.Count < outgoing.Length && !cts.IsCancellationRequested)
        {
            var n = right.Receive(incoming, cts.Token);
            for (var i = 0; i < n; i++)
            {
                Assert.True(incoming[i].Peer.SameAddress(left.LocalEndpoint));
                bySourcePort.Add((incoming[i].Data[8], incoming[i].Peer.Port));
            }
        }
        Assert.Equal(outgoing.Length, bySourcePort.Count);
        foreach (var flow in bySourcePort.GroupBy(r => r.Flow))
            Assert.Single(flow.Select(r => r.Port).Distinct()); // one flow, one outer port
        Assert.Equal(pool.Order(), bySourcePort.Select(r => r.Port).Distinct().Order()); // 8 flows over all 4 ports
    }

    [RootFact("ip", "ss")]
    public void Datagrams_sent_to_a_pool_port_are_dropped_by_the_kernel_not_queued()
    {
        var (a, b) = _ns.UnderlayPair();
        using var left = new UdpUnderlay(a, IPAddress.Parse("198.51.100.1"), 4789, sourcePorts: 2);
        using var right = new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789);
        var target = PeerEndpoint.Parse("198.51.100.1", left.SourcePorts[0]);
        var stray = Enumerable.Range(0, 20).Select(_ =>
        {
            var p = new PacketBuffer();
            p.Load(new byte[100]);
            p.Peer = target;
            return p;
        }).ToArray();
        right.Send(stray);
        Assert.Equal(0, right.SendDrops);

        // The filter drops them before queueing: in the kernel's own table (/proc/net/udp inside the namespace) the pool
        // socket has an empty receive queue and all 20 counted as drops.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        (long Queued, long Drops) row;
        do
        {
            Thread.Sleep(50);
            row = ProcNetUdpRow(a, target.Port);
        }
        while (row.Drops < stray.Length && DateTime.UtcNow < deadline);
        Assert.Equal((0L, (long)stray.Length), row);
    }

    /// <summary>rx_queue (bytes) and drops of the socket bound to <paramref name="port"/>, from /proc/net/udp in <paramref name="ns"/>.</summary>
    private static (long Queued, long Drops) ProcNetUdpRow(string ns, ushort port)
    {
        var lines = Ip.Exec(ns, "cat", "/proc/net/udp").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1);
        var fields = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(f => f[1].EndsWith($":{port:X4}", StringComparison.Ordinal));
        var queues = fields[4].Split(':');
        return (Convert.ToInt64(queues[1], 16), long.Parse(fields[^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
