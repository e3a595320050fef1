using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Weft.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words.
/// Accumulate with <see cref="Add(uint, ReadOnlySpan{byte})"/>, then <see cref="Fold"/>.
/// </summary>
public static class Checksum
{
    /// <summary>Adds <paramref name="data"/> to a running 32-bit-plus sum (odd trailing byte padded with zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian && data.Length >= 64)
        {
            i = data.Length & ~31;
            sum += AddVectorized(data[..i]);
        }
        for (; i + 8 <= data.Length; i += 8)
        {
            var w = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            sum += (w >> 48) + ((w >> 32) & 0xffff) + ((w >> 16) & 0xffff) + (w & 0xffff);
        }
        for (; i + 2 <= data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (ulong)data[i] << 8;
        return sum;
    }

    /// <summary>
    /// Sum of <paramref name="data"/> (a multiple of 32 bytes) 32 bytes at a time. The ones' complement sum does not depend
    /// on byte order (RFC 1071 §2 B): 16-bit words are summed as loaded (little-endian), the result folded and its bytes
    /// swapped. Lanes are 32-bit, flushed before they could overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    private static ulong AddVectorized(ReadOnlySpan<byte> data)
    {
        ulong total = 0;
        var i = 0;
        while (i < data.Length)
        {
            var acc = Vector256<uint>.Zero;
            var end = Math.Min(data.Length, i + 32 * 32768); // 2 x 0xffff per block per lane: below 2^32 after 32768 blocks
            for (; i < end; i += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create<byte>(data.Slice(i, 32)).AsUInt16());
                acc += lo + hi;
            }
            var (a, b) = Vector256.Widen(acc);
            total += Vector256.Sum(a + b);
        }
        while ((total >> 16) != 0) total = (total & 0xffff) + (total >> 16);
        return (ushort)((total >> 8) | (total << 8));
    }

    public static ulong Add(ulong sum, uint value) => sum + (value >> 16) + (value & 0xffff);

    /// <summary>Folds the carries and complements: the value to put in a checksum field.</summary>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>Checksum of <paramref name="data"/> alone (e.g. an IPv4 header with its checksum field zeroed).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Add(0, data));
}
