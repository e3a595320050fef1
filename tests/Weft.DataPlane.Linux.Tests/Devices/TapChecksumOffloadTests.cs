using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Seams;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.Linux.Tap;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Devices;

public sealed class TapChecksumOffloadTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip")]
    public void A_partial_udp_checksum_from_the_kernel_is_completed_by_the_frame_device()
    {
        var a = _ns.Create("a");
        var tap = NetworkNamespace.Run(a, () => TapDevice.Create("tapc", vnetHeader: true, TapOffloads.Checksum));
        using var device = new TapFrameDevice(tap);
        using (var nl = RtNetlink.Open(a))
        {
            nl.AddAddress("tapc", IPAddress.Parse("10.79.0.1"), 24);
            nl.SetUp("tapc");
            nl.AddNeighbour("tapc", IPAddress.Parse("10.79.0.2"), PhysicalAddress.Parse("02-42-0a-4f-00-02")); // no ARP needed
        }
        using var sender = NetworkNamespace.OpenSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Parse("10.79.0.2"), 9999);

        // Raw read: the kernel really hands over NEEDS_CSUM with the checksum unfinished.
        sender.SendTo("raw-datagram"u8.ToArray(), target);
        var raw = new byte[2048];
        var n = 0;
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(tap.WaitReadable(new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token));
            n = tap.TryRead(raw);
            if (IsUdpTo9999(raw.AsSpan(TapDevice.VnetHeaderSize, Math.Max(0, n - TapDevice.VnetHeaderSize)))) break;
        }
        Assert.True(n > TapDevice.VnetHeaderSize + 42);
        Assert.Equal(1, raw[0] & 1); // VIRTIO_NET_HDR_F_NEEDS_CSUM
        Assert.False(UdpChecksumValid(raw.AsSpan(TapDevice.VnetHeaderSize, n - TapDevice.VnetHeaderSize)));

        // Through Weft's frame device: the checksum is completed before the frame is handed on.
        sender.SendTo("completed-datagram"u8.ToArray(), target);
        var packets = new[] { new PacketBuffer(), new PacketBuffer() };
        PacketBuffer? udp = null;
        while (udp is null && DateTime.UtcNow < deadline.AddSeconds(2))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var count = device.Read(packets, cts.Token);
            udp = packets.Take(count).FirstOrDefault(p => IsUdpTo9999(p.Data));
        }
        Assert.NotNull(udp);
        Assert.Equal(0, udp.SegmentSize);
        Assert.True(UdpChecksumValid(udp.Data));
        Assert.Equal("completed-datagram"u8.ToArray(), udp.Data[42..].ToArray());
    }

    private static bool IsUdpTo9999(ReadOnlySpan<byte> f) =>
        f.Length >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 17 && BinaryPrimitives.ReadUInt16BigEndian(f[36..]) == 9999;

    /// <summary>Checks an Ethernet/IPv4/UDP frame's UDP checksum over the pseudo-header (RFC 768).</summary>
    private static bool UdpChecksumValid(ReadOnlySpan<byte> frame)
    {
        var ip = frame[14..];
        var ihl = (ip[0] & 0x0f) * 4;
        var udp = ip[ihl..];
        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        ulong sum = 0;
        for (var i = 12; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]); // source, destination
        sum += 17;
        sum += (ulong)udpLength;
        var i2 = 0;
        for (; i2 + 1 < udpLength; i2 += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(udp[i2..]);
        if (i2 < udpLength) sum += (ulong)udp[i2] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return sum == 0xffff;
    }
}
