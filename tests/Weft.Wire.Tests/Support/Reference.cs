using System.Buffers.Binary;

namespace Weft.Wire.Tests.Support;

/// <summary>
/// Deliberately naive reference implementations written straight from the RFCs (16-bit words, end-around carry,
/// pseudo-headers built as byte arrays), used as an independent oracle for Weft's optimised code.
/// </summary>
public static class Reference
{
    /// <summary>RFC 1071: ones' complement of the ones' complement sum of the 16-bit words (odd byte padded with zero).</summary>
    public static ushort InternetChecksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            uint word = (uint)data[i] << 8;
            if (i + 1 < data.Length) word |= data[i + 1];
            sum += word;
            sum = (sum & 0xFFFF) + (sum >> 16); // end-around carry after every word
        }
        return (ushort)~sum;
    }

    /// <summary>RFC 768: checksum over source, destination, zero, protocol 17, UDP length, then the datagram.</summary>
    public static ushort UdpChecksumIPv4(IPv4Address source, IPv4Address destination, ReadOnlySpan<byte> datagram)
    {
        var bytes = new byte[12 + datagram.Length];
        source.Write(bytes);
        destination.Write(bytes.AsSpan(4));
        bytes[9] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(10), (ushort)datagram.Length);
        datagram.CopyTo(bytes.AsSpan(12));
        return InternetChecksum(bytes);
    }

    /// <summary>RFC 8200 §8.1: checksum over source, destination, 32-bit length, three zero bytes, next header 17, then the datagram.</summary>
    public static ushort UdpChecksumIPv6(UInt128 source, UInt128 destination, ReadOnlySpan<byte> datagram)
    {
        var bytes = new byte[40 + datagram.Length];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, source);
        BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(16), destination);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(32), (uint)datagram.Length);
        bytes[39] = 17;
        datagram.CopyTo(bytes.AsSpan(40));
        return InternetChecksum(bytes);
    }
}
