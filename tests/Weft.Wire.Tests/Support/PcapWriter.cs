using System.Buffers.Binary;

namespace Weft.Wire.Tests.Support;

/// <summary>
/// Writes a classic libpcap file (not pcapng): a 24-byte global header (magic 0xa1b2c3d4, version 2.4,
/// snaplen 65535, link type 1 = Ethernet) and a 16-byte record header before each frame. Little-endian,
/// as libpcap writes on x86; readers detect the byte order from the magic. Hand-written because the
/// format is 40 bytes of headers and the point is to hand tshark bytes Weft made, nothing else.
/// </summary>
public static class PcapWriter
{
    public const uint Magic = 0xa1b2c3d4;
    public const uint LinkTypeEthernet = 1;

    public static void Write(string path, IEnumerable<byte[]> frames)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);      // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);    // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535); // snaplen
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        file.Write(header);

        var seconds = 1_700_000_000u;
        Span<byte> record = stackalloc byte[16];
        foreach (var frame in frames)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, seconds++);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], 0);                   // microseconds
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);  // captured length
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length); // original length
            file.Write(record);
            file.Write(frame);
        }
    }
}
