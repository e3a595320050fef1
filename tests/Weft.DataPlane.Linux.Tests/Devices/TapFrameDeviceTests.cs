using System.Diagnostics;
using System.Net;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Seams;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.Linux.Tap;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Devices;

public sealed class TapFrameDeviceTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip", "ping")]
    public void Ping_from_the_namespace_sends_an_arp_request_that_weft_reads_from_the_tap() => ArpThroughTap(vnetHeader: false);

    [RootFact("ip", "ping")]
    public void With_the_virtio_header_and_offloads_the_arp_request_arrives_without_the_header() => ArpThroughTap(vnetHeader: true);

    private void ArpThroughTap(bool vnetHeader)
    {
        var a = _ns.Create("a");
        var offloads = vnetHeader ? TapOffloads.Checksum | TapOffloads.Tso4 | TapOffloads.Tso6 : TapOffloads.None;
        using var device = new TapFrameDevice(NetworkNamespace.Run(a, () => TapDevice.Create("tap0", vnetHeader, offloads)));
        using (var nl = RtNetlink.Open(a))
        {
            nl.AddAddress("tap0", IPAddress.Parse("10.77.0.1"), 24);
            nl.SetUp("tap0");
        }
        Assert.Equal("tun", Ip.Link(a, "tap0")!.Value.GetProperty("linkinfo").Str("info_kind"));

        using var ping = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", a, "ping", "-c1", "-W1", "10.77.0.2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var packets = Enumerable.Range(0, 8).Select(_ => new PacketBuffer()).ToArray();
            var arp = ReadUntil(device, packets, IsArpRequestFor10_77_0_2, TimeSpan.FromSeconds(3));

            Assert.NotNull(arp);
            Assert.Equal(PacketBuffer.DefaultHeadroom, arp.Offset);
            Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, arp.Data[..6].ToArray());
            Assert.Equal(new byte[] { 10, 77, 0, 1 }, arp.Data.Slice(28, 4).ToArray()); // sender IP

            // Answer through Weft: the kernel learns the neighbour from our reply.
            var tapMac = arp.Data.Slice(6, 6).ToArray();
            var reply = new PacketBuffer();
            reply.Load(ArpReply(tapMac));
            device.Write([reply]);
            Assert.Equal(0, device.WriteDrops);
            var deadline = DateTime.UtcNow.AddSeconds(2);
            string? learned = null;
            while (learned is null && DateTime.UtcNow < deadline)
            {
                learned = Ip.Json(a, "neigh", "show", "dev", "tap0").EnumerateArray()
                    .Where(n => n.Str("dst") == "10.77.0.2").Select(n => n.Str("lladdr")).FirstOrDefault();
                if (learned is null) Thread.Sleep(20);
            }
            Assert.Equal("02:42:0a:4d:00:02", learned);
        }
        finally
        {
            if (!ping.WaitForExit(3000)) ping.Kill();
        }
    }

    [RootFact("ip")]
    public void Read_returns_zero_when_cancelled_and_a_batch_drains_every_ready_frame()
    {
        var a = _ns.Create("a");
        using var device = new TapFrameDevice(NetworkNamespace.Run(a, () => TapDevice.Create("tap1")));
        var packets = Enumerable.Range(0, 16).Select(_ => new PacketBuffer()).ToArray();

        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            var started = Stopwatch.StartNew();
            Assert.Equal(0, device.Read(packets, cts.Token));
            Assert.InRange(started.ElapsedMilliseconds, 150, 2000);
        }

        // Three frames made ready while nobody reads come back in one batch.
        using (var nl = RtNetlink.Open(a))
        {
            nl.AddAddress("tap1", IPAddress.Parse("10.78.0.1"), 24);
            nl.SetUp("tap1");
        }
        using (var sender = NetworkNamespace.OpenSocket(a, System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp))
        {
            sender.EnableBroadcast = true;
            for (var i = 0; i < 3; i++) sender.SendTo(new byte[] { 0x57, (byte)i }, new IPEndPoint(IPAddress.Parse("10.78.0.255"), 9999));
        }
        Thread.Sleep(100);
        var udp = 0;
        var deadline = DateTime.UtcNow.AddSeconds(2);
        var batches = 0;
        while (udp < 3 && DateTime.UtcNow < deadline)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var n = device.Read(packets, cts.Token);
            batches++;
            udp += packets.Take(n).Count(p => p.Data.Length >= 44 && p.Data[12] == 0x08 && p.Data[13] == 0x00 && p.Data[23] == 17 && p.Data[42] == 0x57);
        }
        Assert.Equal(3, udp);
        Assert.True(batches <= 2, $"3 ready frames took {batches} reads");
    }

    [RootFact("ip")]
    public void Tap_names_that_are_too_long_or_taken_are_refused_naming_them()
    {
        var a = _ns.Create("a");
        var tooLong = Assert.Throws<ArgumentException>(() => NetworkNamespace.Run(a, () => TapDevice.Create("tap-name-too-long")));
        Assert.Contains("'tap-name-too-long'", tooLong.Message);

        using var first = NetworkNamespace.Run(a, () => TapDevice.Create("tap2"));
        var taken = Assert.Throws<LinuxException>(() => NetworkNamespace.Run(a, () => TapDevice.Create("tap2")));
        Assert.Equal(Errno.EEXIST, taken.ErrorNumber);
        Assert.Contains("tap 'tap2'", taken.Message);
        var lo = Assert.Throws<LinuxException>(() => NetworkNamespace.Run(a, () => TapDevice.Create("lo")));
        Assert.Equal(Errno.EEXIST, lo.ErrorNumber);

        Assert.Equal(["lo", "tap2"], Ip.LinkNames(a).Order().ToList());
        first.Dispose();
        Assert.Equal(["lo"], Ip.LinkNames(a));
    }

    private static PacketBuffer? ReadUntil(TapFrameDevice device, PacketBuffer[] packets, Func<PacketBuffer, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var cts = new CancellationTokenSource(deadline - DateTime.UtcNow);
            var n = device.Read(packets, cts.Token);
            for (var i = 0; i < n; i++)
                if (match(packets[i])) return packets[i];
        }
        return null;
    }

    private static bool IsArpRequestFor10_77_0_2(PacketBuffer p)
    {
        var d = p.Data;
        return d.Length >= 42 && d[12] == 0x08 && d[13] == 0x06 // ethertype ARP
            && d[20] == 0 && d[21] == 1                          // opcode request
            && d[38] == 10 && d[39] == 77 && d[40] == 0 && d[41] == 2; // target IP
    }

    private static byte[] ArpReply(byte[] tapMac)
    {
        byte[] ours = [0x02, 0x42, 10, 77, 0, 2];
        var f = new byte[42];
        tapMac.CopyTo(f, 0);
        ours.CopyTo(f, 6);
        f[12] = 0x08; f[13] = 0x06;
        f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4; f[20] = 0; f[21] = 2;
        ours.CopyTo(f, 22);
        new byte[] { 10, 77, 0, 2 }.CopyTo(f, 28);
        tapMac.CopyTo(f, 32);
        new byte[] { 10, 77, 0, 1 }.CopyTo(f, 38);
        return f;
    }
}
