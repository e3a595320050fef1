using System.Buffers.Binary;

namespace Weft.Cli.Demo;

/// <summary>
/// The frames of a classic libpcap file as tcpdump writes it (either byte order, micro- or nanosecond magic, Ethernet
/// link type only). Small enough to write here: the demo needs nothing but the frame bytes for Weft.Wire's codecs.
/// Never throws on a damaged file: it returns the frames it could read and says why it stopped.
/// </summary>
internal static class PcapFile
{
    public const uint LinkTypeEthernet = 1;
    private const int GlobalHeaderSize = 24;
    private const int RecordHeaderSize = 16;

    /// <summary>Reads the Ethernet frames; <paramref name="problem"/> is null when the whole file was understood.</summary>
    public static IReadOnlyList<byte[]> ReadFrames(ReadOnlySpan<byte> file, out string? problem)
    {
        var frames = new List<byte[]>();
        if (file.Length < GlobalHeaderSize)
        {
            problem = $"{file.Length} bytes, shorter than a pcap file header";
            return frames;
        }
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var little = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!little && magic is not (0xd4c3b2a1 or 0x4d3cb2a1))
        {
            problem = $"magic 0x{magic:x8} is not a classic pcap file";
            return frames;
        }
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        var linkType = U32(file[20..]) & 0x0FFFFFFF;
        if (linkType != LinkTypeEthernet)
        {
            problem = $"link type {linkType}, not Ethernet";
            return frames;
        }
        var offset = GlobalHeaderSize;
        while (offset + RecordHeaderSize <= file.Length)
        {
            var captured = U32(file[(offset + 8)..]);
            offset += RecordHeaderSize;
            if (captured > file.Length - offset)
            {
                problem = $"the record at byte {offset - RecordHeaderSize} runs past the end of the file";
                return frames;
            }
            frames.Add(file.Slice(offset, (int)captured).ToArray());
            offset += (int)captured;
        }
        problem = offset == file.Length ? null : $"{file.Length - offset} trailing bytes after the last record";
        return frames;
    }
}
