using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// IPv4 header (RFC 791), with options (IHL &gt; 5) skipped on read but counted in <see cref="HeaderLength"/>, and
/// written as given by <see cref="TryWrite"/>.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |    DSCP   |ECN|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options (IHL &gt; 5)       |    Padding     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// <see cref="TryRead"/> checks version, IHL, and that Total Length fits the buffer; it does not reject a bad checksum
/// (use <see cref="IsChecksumValid"/>), so a receiver can count that case separately.
/// </summary>
public readonly struct IPv4Header
{
    public const int MinSize = 20;
    public const byte ProtocolIcmp = 1;
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;
    public const ushort FlagDontFragment = 0x4000;

    /// <summary>The most option bytes a header can carry: IHL is 4 bits, so at most 15 × 4 = 60 header bytes.</summary>
    public const int MaxOptionsLength = 60 - MinSize;

    public IPv4Header(IPv4Address source, IPv4Address destination, byte protocol, ushort totalLength,
        byte ttl = 64, ushort identification = 0, ushort flagsAndFragment = FlagDontFragment, byte tos = 0)
    {
        Source = source;
        Destination = destination;
        Protocol = protocol;
        TotalLength = totalLength;
        Ttl = ttl;
        Identification = identification;
        FlagsAndFragment = flagsAndFragment;
        Tos = tos;
        HeaderLength = MinSize;
        Checksum = 0;
    }

    private IPv4Header(IPv4Address source, IPv4Address destination, byte protocol, ushort totalLength, byte ttl,
        ushort identification, ushort flagsAndFragment, byte tos, int headerLength, ushort checksum)
        : this(source, destination, protocol, totalLength, ttl, identification, flagsAndFragment, tos)
    {
        HeaderLength = headerLength;
        Checksum = checksum;
    }

    public IPv4Address Source { get; }
    public IPv4Address Destination { get; }
    public byte Protocol { get; }
    public ushort TotalLength { get; }
    public byte Ttl { get; }
    public ushort Identification { get; }
    public ushort FlagsAndFragment { get; }
    public byte Tos { get; }

    /// <summary>IHL × 4: 20 without options.</summary>
    public int HeaderLength { get; }

    /// <summary>The checksum as read (0 for a header built in code; <see cref="Write"/> computes it).</summary>
    public ushort Checksum { get; }

    public int PayloadLength => TotalLength - HeaderLength;

    public bool IsFragment => (FlagsAndFragment & 0x3FFF) != 0;

    public static bool TryRead(ReadOnlySpan<byte> source, out IPv4Header header)
    {
        header = default;
        if (source.Length < MinSize) return false;
        if (source[0] >> 4 != 4) return false;
        var ihl = (source[0] & 0x0f) * 4;
        if (ihl < MinSize || source.Length < ihl) return false;
        var total = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if (total < ihl || total > source.Length) return false;
        header = new IPv4Header(
            IPv4Address.Read(source[12..]), IPv4Address.Read(source[16..]), source[9], total, source[8],
            BinaryPrimitives.ReadUInt16BigEndian(source[4..]), BinaryPrimitives.ReadUInt16BigEndian(source[6..]), source[1],
            ihl, BinaryPrimitives.ReadUInt16BigEndian(source[10..]));
        return true;
    }

    /// <summary>True when the header (including options) sums to zero, i.e. its checksum is right.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> source)
    {
        if (source.Length < MinSize) return false;
        var ihl = (source[0] & 0x0f) * 4;
        return ihl >= MinSize && ihl <= source.Length && Wire.Checksum.Compute(source[..ihl]) == 0;
    }

    /// <summary>Writes a 20-byte header (no options) with a correct checksum.</summary>
    public void Write(Span<byte> destination)
    {
        WriteFixed(destination, 0x45);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], Wire.Checksum.Compute(destination[..MinSize]));
    }

    /// <summary>
    /// Writes the header followed by <paramref name="options"/> (RFC 791 §3.1): IHL = (20 + options) / 4, and the header
    /// checksum covers the options too ("the checksum field is the 16 bit one's complement of the one's complement sum of
    /// all 16 bit words in the header"). The options are copied as given: the caller encodes them (type-length-value,
    /// End of Option List 0 / No-Operation 1) and pads them with zeros to a multiple of 4 bytes (the "Padding" above).
    /// <see cref="TotalLength"/> is written as set, so it must count the options. Returns false, writing nothing, when
    /// <paramref name="options"/> is longer than <see cref="MaxOptionsLength"/> (40) or not a multiple of 4, when
    /// <see cref="TotalLength"/> is smaller than the header, or when <paramref name="destination"/> is shorter than the header.
    /// </summary>
    public bool TryWrite(Span<byte> destination, ReadOnlySpan<byte> options)
    {
        var headerLength = MinSize + options.Length;
        if (options.Length > MaxOptionsLength || options.Length % 4 != 0 || TotalLength < headerLength || destination.Length < headerLength)
        {
            return false;
        }
        WriteFixed(destination, (byte)(0x40 | (headerLength / 4)));
        options.CopyTo(destination[MinSize..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], Wire.Checksum.Compute(destination[..headerLength]));
        return true;
    }

    /// <summary>The 20 fixed bytes with a zero checksum field.</summary>
    private void WriteFixed(Span<byte> destination, byte versionAndIhl)
    {
        destination[0] = versionAndIhl;
        destination[1] = Tos;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], FlagsAndFragment);
        destination[8] = Ttl;
        destination[9] = Protocol;
        destination[10] = 0;
        destination[11] = 0;
        Source.Write(destination[12..]);
        Destination.Write(destination[16..]);
    }

    /// <summary>The sum of the IPv4 pseudo-header (RFC 768) for a transport checksum over <paramref name="transportLength"/> bytes.</summary>
    public static ulong PseudoHeaderSum(IPv4Address source, IPv4Address destination, byte protocol, int transportLength) =>
        Wire.Checksum.Add(Wire.Checksum.Add(0, source.Value), destination.Value) + protocol + (ulong)transportLength;
}
