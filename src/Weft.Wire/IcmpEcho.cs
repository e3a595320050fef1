using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// ICMPv4 echo request/reply (RFC 792). The checksum covers the ICMP header and its data.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Type (8 / 0) |   Code (0)    |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Identifier          |        Sequence Number        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Data ...
/// +-+-+-+-+-
/// </code>
/// </summary>
public readonly struct IcmpEcho
{
    public const int Size = 8;
    public const byte TypeEchoReply = 0;
    public const byte TypeEchoRequest = 8;

    public IcmpEcho(byte type, ushort identifier, ushort sequence, ushort checksum = 0)
    {
        Type = type;
        Identifier = identifier;
        Sequence = sequence;
        Checksum = checksum;
    }

    public byte Type { get; }
    public ushort Identifier { get; }
    public ushort Sequence { get; }
    public ushort Checksum { get; }

    public bool IsRequest => Type == TypeEchoRequest;

    /// <summary>Reads an echo request or reply; false for other ICMP types, a non-zero code, or fewer than 8 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IcmpEcho echo)
    {
        echo = default;
        if (source.Length < Size) return false;
        if (source[0] is not (TypeEchoRequest or TypeEchoReply) || source[1] != 0) return false;
        echo = new IcmpEcho(source[0], BinaryPrimitives.ReadUInt16BigEndian(source[4..]), BinaryPrimitives.ReadUInt16BigEndian(source[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[2..]));
        return true;
    }

    /// <summary>Writes the header over <paramref name="message"/> (header + data already in place) and fills the checksum over all of it.</summary>
    public void Write(Span<byte> message)
    {
        message[0] = Type;
        message[1] = 0;
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], Identifier);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], Sequence);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Wire.Checksum.Compute(message));
    }

    public static bool IsChecksumValid(ReadOnlySpan<byte> message) => message.Length >= Size && Wire.Checksum.Compute(message) == 0;
}
