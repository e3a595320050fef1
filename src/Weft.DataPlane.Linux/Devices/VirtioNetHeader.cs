using System.Buffers.Binary;

namespace Weft.DataPlane.Devices;

/// <summary>
/// The 12-byte virtio_net_hdr (with num_buffers) a TAP with IFF_VNET_HDR puts in front of each frame:
/// flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers (little-endian).
/// </summary>
internal static class VirtioNetHeader
{
    public const int Size = 12;
    public const byte NeedsChecksum = 0x01;
    public const byte GsoNone = 0;
    public const byte GsoTcpV4 = 1;
    public const byte GsoTcpV6 = 4;
    public const byte GsoEcn = 0x80;

    /// <summary>The gso_type (ECN bit masked off) and gso_size of the header at the front of <paramref name="header"/>.</summary>
    public static (byte GsoType, int GsoSize) ReadGso(ReadOnlySpan<byte> header) =>
        ((byte)(header[1] & ~GsoEcn), BinaryPrimitives.ReadUInt16LittleEndian(header[4..]));

    /// <summary>
    /// Writes a header announcing a TCP GSO super-frame: checksum partial from <paramref name="checksumStart"/> (the
    /// field at +16 holds the pseudo-header sum), to be cut into <paramref name="segmentSize"/>-byte segments.
    /// </summary>
    public static void WriteTcpGso(Span<byte> header, bool ipv6, int headersLength, int segmentSize, int checksumStart)
    {
        header[..Size].Clear();
        header[0] = NeedsChecksum;
        header[1] = ipv6 ? GsoTcpV6 : GsoTcpV4;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)headersLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)segmentSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)checksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], 16);
    }

    /// <summary>
    /// Reads the header in front of <paramref name="packet"/>: completes a partial checksum of a
    /// non-GSO frame in software and returns the GSO segment size (0 for an ordinary frame).
    /// False when the header is inconsistent with the frame (the caller drops it).
    /// </summary>
    public static bool TryConsume(Span<byte> packet, out int segmentSize)
    {
        segmentSize = 0;
        if (packet.Length < Size) return false;
        var flags = packet[0];
        var gsoType = packet[1];
        var gsoSize = BinaryPrimitives.ReadUInt16LittleEndian(packet[4..]);
        int csumStart = BinaryPrimitives.ReadUInt16LittleEndian(packet[6..]);
        int csumOffset = BinaryPrimitives.ReadUInt16LittleEndian(packet[8..]);
        var frame = packet[Size..];
        if (gsoType != 0)
        {
            segmentSize = gsoSize;
            return true;
        }
        if ((flags & NeedsChecksum) == 0) return true;
        if (csumStart + csumOffset + 2 > frame.Length) return false;
        // The field holds the pseudo-header sum; the checksum covers csum_start to the end.
        var sum = OnesComplementSum(frame[csumStart..]);
        var checksum = (ushort)~sum;
        BinaryPrimitives.WriteUInt16BigEndian(frame[(csumStart + csumOffset)..], checksum);
        return true;
    }

    private static ushort OnesComplementSum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (ulong)data[i] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }
}
