using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words.
/// Accumulate with <see cref="Add(uint, ReadOnlySpan{byte})"/>, then <see cref="Fold"/>.
/// </summary>
public static class Checksum
{
    /// <summary>Adds <paramref name="data"/> to a running 32-bit-plus sum (odd trailing byte padded with zero).</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            var w = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            sum += (w >> 48) + ((w >> 32) & 0xffff) + ((w >> 16) & 0xffff) + (w & 0xffff);
        }
        for (; i + 2 <= data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (ulong)data[i] << 8;
        return sum;
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
