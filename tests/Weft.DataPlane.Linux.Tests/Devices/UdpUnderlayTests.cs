using System.Net;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Seams;
using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Devices;

public sealed class UdpUnderlayTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip", "ss")]
    public void Datagrams_cross_a_veth_between_two_namespaces_with_the_sender_as_peer()
    {
        var (a, b) = _ns.UnderlayPair();
        using var left = new UdpUnderlay(a, IPAddress.Parse("198.51.100.1"), 4789);
        using var right = new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789);
        Assert.Equal(PeerEndpoint.Parse("198.51.100.2", 4789), right.LocalEndpoint);
        Assert.Contains("198.51.100.2:4789", Ip.Exec(b, "ss", "-H", "-u", "-l", "-n").StdOut);

        var outgoing = Enumerable.Range(0, 3).Select(i =>
        {
            var p = new PacketBuffer();
            p.Load([0x08, 0, 0, 0, 0, 0, 42, 0, (byte)i]);
            p.Peer = right.LocalEndpoint;
            return p;
        }).ToArray();
        left.Send(outgoing);
        Assert.Equal(0, left.SendDrops);

        var incoming = Enumerable.Range(0, 8).Select(_ => new PacketBuffer()).ToArray();
        var received = new List<byte[]>();
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (received.Count < 3 && DateTime.UtcNow < deadline)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var n = right.Receive(incoming, cts.Token);
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(left.LocalEndpoint, incoming[i].Peer);
                Assert.Equal(PacketBuffer.DefaultHeadroom, incoming[i].Offset);
                received.Add(incoming[i].Data.ToArray());
            }
        }
        Assert.Equal(3, received.Count);
        Assert.Equal([0, 1, 2], received.Select(r => (int)r[8]).Order());
    }

    [RootFact("ip")]
    public void Sending_and_receiving_a_batch_does_not_allocate_per_packet()
    {
        var a = _ns.Create("a");
        using var left = new UdpUnderlay(a, IPAddress.Loopback, 0);
        using var right = new UdpUnderlay(a, IPAddress.Loopback, 0);
        var batch = Enumerable.Range(0, 32).Select(_ => new PacketBuffer(2048, 128)).ToArray();
        var incoming = Enumerable.Range(0, 32).Select(_ => new PacketBuffer(2048, 128)).ToArray();
        foreach (var p in batch)
        {
            p.Load(new byte[1400]);
            p.Peer = right.LocalEndpoint;
        }

        RoundTrip(); // warm up (JIT, first-use caches)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var received = RoundTrip();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(batch.Length, received);
        Assert.True(allocated < batch.Length * 8, $"{allocated} bytes allocated for {batch.Length} packets sent and received");

        int RoundTrip()
        {
            left.Send(batch);
            var total = 0;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (total < batch.Length && !cts.IsCancellationRequested)
                total += right.Receive(incoming.AsSpan(0, batch.Length - total), cts.Token);
            return total;
        }
    }

    [RootFact("ip")]
    public void Receive_returns_zero_when_cancelled_and_unsendable_packets_are_counted_not_thrown()
    {
        var a = _ns.Create("a");
        using var underlay = new UdpUnderlay(a, IPAddress.Loopback, 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        Assert.Equal(0, underlay.Receive(new[] { new PacketBuffer() }, cts.Token));

        var nowhere = new PacketBuffer();
        nowhere.Load([1, 2, 3]); // no peer set
        var v6 = new PacketBuffer();
        v6.Load([1]);
        v6.Peer = PeerEndpoint.Parse("fd00::1", 4789); // wrong family for an IPv4 socket
        underlay.Send([nowhere, v6]);
        Assert.Equal(2, underlay.SendDrops);
    }

    [RootFact("ip")]
    public void Binding_an_address_the_namespace_does_not_have_fails_naming_it()
    {
        var a = _ns.Create("a");
        var e = Assert.Throws<LinuxException>(() => new UdpUnderlay(a, IPAddress.Parse("198.51.100.77"), 4789));
        Assert.Equal("bind", e.Operation);
        Assert.Equal(Errno.EADDRNOTAVAIL, e.ErrorNumber);
        Assert.Contains("198.51.100.77:4789", e.Message);
        Assert.Contains($"'{a}'", e.Message);
        Assert.Contains("(EADDRNOTAVAIL)", e.Message);
    }

    [RootFact("ip", "ss")]
    public void A_second_underlay_on_the_same_address_and_port_fails_with_eaddrinuse_and_the_first_keeps_working()
    {
        var (a, b) = _ns.UnderlayPair();
        using var first = new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789);

        var e = Assert.Throws<LinuxException>(() => new UdpUnderlay(b, IPAddress.Parse("198.51.100.2"), 4789));
        Assert.Equal("bind", e.Operation);
        Assert.Equal(Errno.EADDRINUSE, e.ErrorNumber);
        Assert.Contains("198.51.100.2:4789", e.Message);
        Assert.Contains($"'{b}'", e.Message);
        Assert.Contains("(EADDRINUSE)", e.Message);

        // ss (an independent observer) still sees exactly one socket on the port, and it still receives.
        var listening = Ip.Exec(b, "ss", "-H", "-u", "-a", "-n").StdOut.Split('\n').Count(l => l.Contains("198.51.100.2:4789"));
        Assert.Equal(1, listening);
        using var sender = new UdpUnderlay(a, IPAddress.Parse("198.51.100.1"), 0);
        var datagram = new PacketBuffer();
        datagram.Load([0x08, 0, 0, 0, 0, 0, 42, 0, 7]);
        datagram.Peer = first.LocalEndpoint;
        sender.Send([datagram]);
        Assert.Equal(0, sender.SendDrops);
        var incoming = new[] { new PacketBuffer() };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        Assert.Equal(1, first.Receive(incoming, cts.Token));
        Assert.Equal(sender.LocalEndpoint, incoming[0].Peer);
        Assert.Equal(datagram.Data.ToArray(), incoming[0].Data.ToArray());
    }

    [RootFact("ip")]
    public void Opening_an_underlay_in_a_namespace_that_vanished_fails_naming_the_namespace()
    {
        var gone = _ns.Create("gone");
        NetworkNamespace.Delete(gone);
        Assert.False(NetworkNamespace.Exists(gone));
        Assert.DoesNotContain(gone, Tool.Run("ip", "netns", "list").StdOut);

        var e = Assert.Throws<LinuxException>(() => new UdpUnderlay(gone, IPAddress.Loopback, 4789));
        Assert.Equal(Errno.ENOENT, e.ErrorNumber);
        Assert.Contains($"network namespace '{gone}'", e.Message);
        Assert.Contains("(ENOENT)", e.Message);
    }
}
