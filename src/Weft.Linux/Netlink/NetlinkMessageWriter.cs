using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Weft.Linux.Netlink;

/// <summary>
/// Builds one netlink request: a 16-byte nlmsghdr, a fixed family header (ifinfomsg, ifaddrmsg, ...)
/// and 4-byte-aligned attributes (TLVs), possibly nested. Integers are in host byte order as netlink
/// requires, except where the kernel wants network order (ports).
/// </summary>
internal sealed class NetlinkMessageWriter
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    public NetlinkMessageWriter(ushort type, ushort flags)
    {
        Type = type;
        Flags = flags;
        _length = 16;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    /// <summary>Appends <paramref name="count"/> zeroed bytes (a family header) and returns them to fill.</summary>
    public Span<byte> Header(int count) => Reserve(count);

    public void Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var attr = Reserve(Align(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attr, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attr[2..], type);
        value.CopyTo(attr[4..]);
    }

    public void U8(ushort type, byte value) => Attribute(type, [value]);

    public void U32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        MemoryMarshal.Write(b, in value);
        Attribute(type, b);
    }

    public void Int32(ushort type, int value) => U32(type, unchecked((uint)value));

    public void BigEndianU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        Attribute(type, b);
    }

    /// <summary>A NUL-terminated string attribute (interface names, link kinds).</summary>
    public void String(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        Attribute(type, bytes);
    }

    /// <summary>Starts a nested attribute; pass the returned position to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        var attr = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(attr[2..], type);
        return start;
    }

    public void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));

    /// <summary>Fills in the nlmsghdr and returns the finished message.</summary>
    public ReadOnlyMemory<byte> Finish(uint sequence)
    {
        var h = _buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)_length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)(Flags | Rtm.NLM_F_REQUEST));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        return _buffer.AsMemory(0, _length);
    }

    public static int Align(int n) => (n + 3) & ~3;

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }
}
