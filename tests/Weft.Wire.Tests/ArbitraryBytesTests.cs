using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

/// <summary>
/// The data path never throws on malformed input: every TryRead and checksum check is fed random bytes and
/// mutated valid frames; whatever a reader accepts must be consistent with the buffer it came from.
/// </summary>
public sealed class ArbitraryBytesTests
{
    private static void ReadEverything(byte[] bytes)
    {
        if (EthernetHeader.TryRead(bytes, out var eth)) Assert.InRange(eth.HeaderLength, EthernetHeader.Size, bytes.Length);
        if (ArpPacket.TryRead(bytes, out var arp)) Assert.True(arp.Operation is ArpPacket.OpRequest or ArpPacket.OpReply);
        if (IPv4Header.TryRead(bytes, out var ip))
        {
            Assert.InRange(ip.HeaderLength, IPv4Header.MinSize, ip.TotalLength);
            Assert.InRange(ip.TotalLength, ip.HeaderLength, bytes.Length);
        }
        if (IPv6Header.TryRead(bytes, out var ip6)) Assert.InRange(IPv6Header.Size + ip6.PayloadLength, IPv6Header.Size, bytes.Length);
        if (UdpHeader.TryRead(bytes, out var udp)) Assert.InRange(udp.Length, UdpHeader.Size, bytes.Length);
        if (IcmpEcho.TryRead(bytes, out var echo)) Assert.True(echo.Type is IcmpEcho.TypeEchoRequest or IcmpEcho.TypeEchoReply);
        if (VxlanHeader.TryRead(bytes, out var vxlan))
        {
            // The VNI is bytes 4..6 of the header, big-endian (RFC 7348); not a range check, which the type's own
            // constructor already makes true of any value it holds.
            Assert.True((bytes[0] & VxlanHeader.FlagI) != 0, "a header without the I flag was accepted");
            Assert.Equal((uint)(bytes[4] << 16 | bytes[5] << 8 | bytes[6]), vxlan.Vni);
        }
        IPv4Header.IsChecksumValid(bytes);
        IcmpEcho.IsChecksumValid(bytes);
        UdpHeader.IsChecksumValid(new IPv4Address(0xC6336401), new IPv4Address(0xC6336402), bytes);
        UdpHeader.IsChecksumValid(UInt128.MaxValue, UInt128.One, bytes);
        VxlanFrame.TryDecode(bytes, out _);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 120].Sample(ReadEverything, iter: 20_000);
    }

    [Fact]
    public void Random_bytes_with_plausible_first_bytes_never_throw()
    {
        // Random arrays rarely pass the first checks; steer them into the deeper branches (version/IHL, I flag, ARP, VLAN).
        byte[][] starts =
        [
            [0x45], [0x46], [0x4F], [0x60], [0x08], [0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00],
            [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x81, 0x00],
        ];
        var prefixes = Gen.OneOf<byte[]>(starts);
        Gen.Select(prefixes, Gen.Byte.Array[0, 120]).Sample((prefix, rest) => ReadEverything([.. prefix, .. rest]), iter: 20_000);
    }

    [Fact]
    public void Truncated_and_bit_flipped_vxlan_frames_never_throw()
    {
        var inner = Frames.IcmpEcho(MacAddress.Parse("02:42:0a:00:00:02"), MacAddress.Parse("02:42:0a:00:00:01"),
            IPv4Address.Parse("10.0.0.1"), IPv4Address.Parse("10.0.0.2"), IcmpEcho.TypeEchoRequest, 7, 1, new byte[33]);
        var frame = Frames.Vxlan(new Underlay(MacAddress.Parse("02:00:c6:33:64:01"), MacAddress.Parse("02:00:c6:33:64:02"),
            IPv4Address.Parse("198.51.100.1"), IPv4Address.Parse("198.51.100.2")), 49152, 4096, inner);
        Assert.NotNull(VxlanFrame.TryDecode(frame, out _));

        Gen.Select(Gen.Int[0, frame.Length], Gen.Int[0, frame.Length - 1], Gen.Byte).Sample((length, at, value) =>
        {
            var mutated = (byte[])frame.Clone();
            mutated[at] = value;
            mutated = mutated[..length];
            ReadEverything(mutated);
            for (var offset = 0; offset < mutated.Length; offset += 2) ReadEverything(mutated[offset..]);
        }, iter: 2_000);
    }
}
