using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class ChecksumTests
{
    [Fact]
    public void Rfc1071_numerical_example_sums_to_ddf2()
    {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 have the ones' complement sum dd f2, so the checksum is 22 0d.
        var data = Hex.Bytes("00 01 f2 03 f4 f5 f6 f7");
        Assert.Equal(0xddf2, (ushort)~Checksum.Fold(Checksum.Add(0, data)));
        Assert.Equal(0x220d, Checksum.Compute(data));
    }

    [Fact]
    public void Odd_trailing_byte_is_padded_with_zero()
    {
        Assert.Equal(0x54FF, Checksum.Compute([0xAB])); // ~0xAB00
        Assert.Equal(Checksum.Compute([0x12, 0x34, 0xAB, 0x00]), Checksum.Compute([0x12, 0x34, 0xAB]));
    }

    [Fact]
    public void Empty_and_all_zero_data_have_checksum_ffff()
    {
        Assert.Equal(0xFFFF, Checksum.Compute([]));
        Assert.Equal(0xFFFF, Checksum.Compute(new byte[64]));
    }

    [Fact]
    public void Adding_a_32_bit_value_equals_adding_its_four_bytes()
    {
        Assert.Equal(Checksum.Add(0, Hex.Bytes("c6 33 64 01")), Checksum.Add(0, 0xC6336401u));
    }

    [Fact]
    public void Matches_the_naive_rfc1071_reference_for_any_bytes()
    {
        // Lengths up to 3000 cover the 8-byte fast path, the 2-byte tail and the odd byte.
        Gen.Byte.Array[0, 3000].Sample(data => Assert.Equal(Reference.InternetChecksum(data), Checksum.Compute(data)), iter: 2000);
    }

    [Fact]
    public void Sums_of_even_length_pieces_add_up_to_the_sum_of_the_whole()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Byte.Array[0, 200]).Sample((a, b) =>
        {
            if (a.Length % 2 == 1) a = a[..^1];
            Assert.Equal(Checksum.Compute([.. a, .. b]), Checksum.Fold(Checksum.Add(Checksum.Add(0, a), b)));
        });
    }

    [Fact]
    public void Data_with_its_checksum_inserted_sums_to_zero()
    {
        Gen.Select(Gen.Byte.Array[2, 500], Gen.Int).Sample((data, where) =>
        {
            var at = Math.Abs(where % (data.Length / 2)) * 2; // a 16-bit aligned checksum field
            data[at] = data[at + 1] = 0;
            var c = Checksum.Compute(data);
            data[at] = (byte)(c >> 8);
            data[at + 1] = (byte)c;
            Assert.Equal(0, Checksum.Compute(data));
        });
    }

    [Fact]
    public void Long_buffers_sum_like_a_byte_by_byte_rfc_1071_reference_at_any_length_and_start()
    {
        Gen.Select(Gen.Byte.Array[0, 70000], Gen.Int[0, 3], Gen.UInt[0, 0xffff]).Sample((bytes, skip, initial) =>
        {
            var data = bytes.AsSpan(Math.Min(skip, bytes.Length));
            ulong reference = initial;
            for (var i = 0; i < data.Length; i++) reference += i % 2 == 0 ? (ulong)data[i] << 8 : data[i];
            Assert.Equal(Checksum.Fold(reference), Checksum.Fold(Checksum.Add(initial, data)));
        }, iter: 300);
    }
}
