using System.Buffers.Binary;

namespace Weft.Cluster.Channel;

/// <summary>
/// Length-prefixed frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
/// A frame over <see cref="MaxFrameBytes"/> is a protocol error and ends the connection.
/// </summary>
internal static class Framing
{
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > MaxFrameBytes)
            throw new ClusterException($"send frame failed: {payload.Length} bytes is over the {MaxFrameBytes}-byte limit");
        // One write per frame: one TLS record, no small-segment stalls (Nagle + delayed ACK).
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.Span.CopyTo(frame.AsSpan(4));
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false))
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxFrameBytes)
            throw new InvalidDataException($"frame of {length} bytes is over the {MaxFrameBytes}-byte limit");
        var payload = new byte[length];
        if (!await FillAsync(stream, payload, cancellationToken).ConfigureAwait(false))
            throw new EndOfStreamException("connection closed in the middle of a frame");
        return payload;
    }

    private static async Task<bool> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (filled == 0)
                    return false;
                throw new EndOfStreamException("connection closed in the middle of a frame");
            }
            filled += n;
        }
        return true;
    }
}
