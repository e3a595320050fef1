using System.Net;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Seams;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Devices;

/// <summary>The batched underlay (sendmmsg/recvmmsg, UDP GSO and GRO) between two namespaces over a real veth.</summary>
public sealed class UdpUnderlayOffloadTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    private (UdpUnderlay Left, UdpUnderlay Right) Pair(OffloadSettings offloads)
    {
        var (a, b) = _ns.UnderlayPair();
        return (new UdpUnderlay(a, IPAddress.Parse("198.51.100.1"), 4789, offloads), new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789, offloads));
    }

    private static List<byte[]> ReceiveAll(UdpUnderlay underlay, int expected, PeerEndpoint from, int batchSize)
    {
        var incoming = Enumerable.Range(0, batchSize).Select(_ => new PacketBuffer()).ToArray();
        var received = new List<byte[]>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        while (received.Count < expected && !cts.IsCancellationRequested)
        {
            var n = underlay.Receive(incoming, cts.Token);
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(from, incoming[i].Peer);
                received.Add(incoming[i].Data.ToArray());
            }
        }
        return received;
    }

    private static PacketBuffer[] Datagrams(PeerEndpoint to, params int[] lengths) =>
        lengths.Select((length, i) =>
        {
            var p = new PacketBuffer();
            p.Load(Enumerable.Range(0, length).Select(j => (byte)(i * 31 + j)).ToArray());
            p.Peer = to;
            p.SourcePort = 50000;
            return p;
        }).ToArray();

    [RootFact("ip")]
    public void Equal_sized_datagrams_go_as_one_gso_send_and_come_back_split_in_order_with_their_exact_bytes()
    {
        var (left, right) = Pair(OffloadSettings.On);
        using var l = left;
        using var r = right;
        Assert.True(left.Features.UdpBatching);
        Assert.True(left.Features.UdpSegmentation, "UDP_SEGMENT is available on this kernel (LAB.md)");
        Assert.True(right.Features.UdpGro, "UDP_GRO is available on this kernel (LAB.md)");

        var lengths = Enumerable.Repeat(1400, 40).Append(900).ToArray(); // the last one shorter, like a TCP burst's tail
        var outgoing = Datagrams(right.LocalEndpoint, lengths);
        left.Send(outgoing);
        Assert.Equal(0, left.SendDrops);
        Assert.True(left.SegmentedSends >= 1, "the burst went out as a UDP_SEGMENT send");

        // A batch smaller than the burst: what does not fit stays staged for the next call, in order.
        var received = ReceiveAll(right, lengths.Length, left.LocalEndpoint, batchSize: 16);
        Assert.Equal(outgoing.Select(p => p.Data.ToArray()), received);
        Assert.True(right.CoalescedReceives >= 1, "the receiver got a GRO-coalesced buffer and split it");
    }

    [RootFact("ip")]
    public void Mixed_peers_and_sizes_and_offloads_off_all_arrive_intact()
    {
        var (left, right) = Pair(OffloadSettings.Off);
        using var l = left;
        using var r = right;
        Assert.Equal(DataPathFeatures.Plain, left.Features);
        var outgoing = Datagrams(right.LocalEndpoint, 100, 1400, 1400, 60, 1400);
        left.Send(outgoing);
        var received = ReceiveAll(right, outgoing.Length, left.LocalEndpoint, batchSize: 8);
        Assert.Equal(outgoing.Select(p => p.Data.ToArray()).OrderBy(d => d.Length), received.OrderBy(d => d.Length));
    }

    [RootFact("ip")]
    public void A_batch_with_unequal_sizes_and_an_unaddressed_packet_is_grouped_correctly_and_the_bad_one_counted()
    {
        var (left, right) = Pair(OffloadSettings.On);
        using var l = left;
        using var r = right;
        var outgoing = Datagrams(right.LocalEndpoint, 1400, 1400, 500, 1400, 1400, 1400, 20).ToList();
        var unaddressed = new PacketBuffer();
        unaddressed.Load([1, 2, 3]);
        outgoing.Insert(3, unaddressed);
        left.Send(outgoing.ToArray());
        Assert.Equal(1, left.SendDrops);
        var expected = outgoing.Where(p => p != unaddressed).Select(p => p.Data.ToArray()).ToList();
        var received = ReceiveAll(right, expected.Count, left.LocalEndpoint, batchSize: 64);
        Assert.Equal(expected, received);
    }
}
