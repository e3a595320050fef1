using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class VxlanHeaderTests
{
    // RFC 7348 §5: flags 0x08 (I), 24 reserved bits, VNI 4242 (0x001092), 8 reserved bits.
    private static readonly byte[] Vni4242 = Hex.Bytes("08 000000 001092 00");

    [Fact]
    public void Reads_and_writes_a_known_header()
    {
        Assert.True(VxlanHeader.TryRead(Vni4242, out var h));
        Assert.Equal(4242u, h.Vni);
        var written = new byte[VxlanHeader.Size];
        new VxlanHeader(4242).Write(written);
        Assert.Equal(Vni4242, written);
    }

    [Fact]
    public void Without_the_i_flag_the_packet_is_rejected()
    {
        Assert.False(VxlanHeader.TryRead(Hex.Bytes("00 000000 001092 00"), out _));
        Assert.False(VxlanHeader.TryRead(Hex.Bytes("f7 ffffff 001092 ff"), out _)); // every bit but I
    }

    [Fact]
    public void Reserved_bits_are_ignored_when_the_i_flag_is_set()
    {
        Assert.True(VxlanHeader.TryRead(Hex.Bytes("ff ffffff 001092 ff"), out var h));
        Assert.Equal(4242u, h.Vni);
        Assert.True(VxlanHeader.TryRead(Hex.Bytes("88 004000 fffffe 5a"), out h)); // G flag and group policy bits (VXLAN-GBP)
        Assert.Equal(0xFFFFFEu, h.Vni);
    }

    [Fact]
    public void Truncated_headers_are_rejected()
    {
        Assert.False(VxlanHeader.TryRead(Vni4242[..7], out _));
        Assert.False(VxlanHeader.TryRead([], out _));
    }

    [Fact]
    public void Vni_has_24_bits()
    {
        Assert.Equal(0xFFFFFFu, new VxlanHeader(VxlanHeader.MaxVni).Vni);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VxlanHeader(VxlanHeader.MaxVni + 1));
    }

    [Fact]
    public void Round_trips_and_writes_reserved_bits_as_zero()
    {
        Gen.Select(Gens.Vni, Gen.Byte.Array[VxlanHeader.Size]).Sample((vni, garbage) =>
        {
            var bytes = garbage; // the writer must overwrite every byte, reserved ones with zero
            new VxlanHeader(vni).Write(bytes);
            Assert.Equal(new byte[] { 0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 }, bytes);
            Assert.True(VxlanHeader.TryRead(bytes, out var h));
            Assert.Equal(vni, h.Vni);
        });
    }
}
