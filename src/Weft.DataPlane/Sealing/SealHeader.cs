using System.Buffers.Binary;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// The 16-byte seal header that follows the VXLAN header of a sealed datagram.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |    Version    |                 Key epoch                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  -.
/// |                          Sender id                            |   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   | nonce (12 bytes)
/// |                     Counter (64 bits)                         |   |
/// |                                                               |   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  -'
/// </code>
/// </summary>
public readonly struct SealHeader(uint epoch, uint senderId, ulong counter)
{
    public uint Epoch { get; } = epoch;

    public uint SenderId { get; } = senderId;

    public ulong Counter { get; } = counter;

    /// <summary>False when shorter than 16 bytes or not the current version (<see cref="SealFormat.Version"/>).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out SealHeader header)
    {
        header = default;
        if (source.Length < SealFormat.HeaderSize || source[0] != SealFormat.Version) return false;
        header = new SealHeader(
            BinaryPrimitives.ReadUInt32BigEndian(source) & SealFormat.MaxEpoch,
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[8..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, ((uint)SealFormat.Version << 24) | (Epoch & SealFormat.MaxEpoch));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderId);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Counter);
    }

    /// <summary>The nonce inside a written header: sender id and counter.</summary>
    public static ReadOnlySpan<byte> Nonce(ReadOnlySpan<byte> header) => header.Slice(4, SealFormat.NonceSize);
}
