using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;

namespace Weft.Linux.Netlink;

/// <summary>Reads the attributes (TLVs) that follow a family header in a netlink message.</summary>
internal readonly struct NetlinkAttributes
{
    private readonly Dictionary<ushort, ReadOnlyMemory<byte>> _values;

    private NetlinkAttributes(Dictionary<ushort, ReadOnlyMemory<byte>> values) => _values = values;

    /// <summary>Parses a run of attributes; malformed trailing bytes end the run (never throws).</summary>
    public static NetlinkAttributes Parse(ReadOnlyMemory<byte> data)
    {
        var values = new Dictionary<ushort, ReadOnlyMemory<byte>>();
        var span = data.Span;
        var offset = 0;
        while (offset + 4 <= span.Length)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]) & 0x3fff);
            if (len < 4 || offset + len > span.Length) break;
            values.TryAdd(type, data.Slice(offset + 4, len - 4));
            offset += NetlinkMessageWriter.Align(len);
        }
        return new NetlinkAttributes(values);
    }

    public bool Has(ushort type) => _values.ContainsKey(type);

    public ReadOnlyMemory<byte>? Raw(ushort type) => _values.TryGetValue(type, out var v) ? v : null;

    public NetlinkAttributes Nested(ushort type) => Parse(Raw(type) ?? ReadOnlyMemory<byte>.Empty);

    public string? String(ushort type)
    {
        if (Raw(type) is not { } v) return null;
        var s = v.Span;
        var nul = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? s[..nul] : s);
    }

    public uint? U32(ushort type) => Raw(type) is { Length: >= 4 } v ? BinaryPrimitives.ReadUInt32LittleEndian(v.Span) : null;

    public byte? U8(ushort type) => Raw(type) is { Length: >= 1 } v ? v.Span[0] : null;

    public IPAddress? Address(ushort type) => Raw(type) is { Length: 4 or 16 } v ? new IPAddress(v.Span) : null;

    public PhysicalAddress? Mac(ushort type) => Raw(type) is { Length: > 0 } v ? new PhysicalAddress(v.ToArray()) : null;
}
