using System.Buffers.Binary;

namespace Weft.Wire.Tests.Support;

/// <summary>
/// Reads a classic libpcap file as tcpdump writes it (either byte order, microsecond or nanosecond magic).
/// Only Ethernet (link type 1) is accepted: every test here feeds the frames to <see cref="EthernetHeader"/>.
/// </summary>
public static class PcapReader
{
    public static IReadOnlyList<byte[]> ReadFrames(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 24) throw new InvalidDataException($"{path}: {data.Length} bytes, shorter than a pcap global header");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        bool little = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        bool big = magic is 0xd4c3b2a1 or 0x4d3cb2a1;
        if (!little && !big) throw new InvalidDataException($"{path}: magic 0x{magic:x8} is not classic pcap");
        uint U32(int offset) => little
            ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset))
            : BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
        var linkType = U32(20) & 0x0FFFFFFF;
        if (linkType != PcapWriter.LinkTypeEthernet) throw new InvalidDataException($"{path}: link type {linkType}, expected 1 (Ethernet)");

        var frames = new List<byte[]>();
        var offset = 24;
        while (offset + 16 <= data.Length)
        {
            var captured = (int)U32(offset + 8);
            offset += 16;
            if (captured < 0 || offset + captured > data.Length)
                throw new InvalidDataException($"{path}: record of {captured} bytes runs past the end of the file");
            frames.Add(data.AsSpan(offset, captured).ToArray());
            offset += captured;
        }
        if (offset != data.Length) throw new InvalidDataException($"{path}: {data.Length - offset} trailing bytes after the last record");
        return frames;
    }
}
