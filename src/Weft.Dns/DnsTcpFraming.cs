using System.Buffers.Binary;
using System.Net.Sockets;

namespace Weft.Dns;

/// <summary>DNS over TCP frames each message with a 2-byte big-endian length (RFC 1035 §4.2.2).</summary>
internal static class DnsTcpFraming
{
    /// <summary>Reads one framed message; null when the peer closed cleanly before a new message.</summary>
    /// <exception cref="InvalidDataException">The frame is longer than <paramref name="maxLength"/> or cut short.</exception>
    public static async Task<byte[]?> ReadAsync(NetworkStream stream, int maxLength, CancellationToken ct)
    {
        var prefix = new byte[2];
        var got = await stream.ReadAtLeastAsync(prefix, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0)
            return null;
        if (got < 2)
            throw new InvalidDataException("DNS/TCP: connection closed inside a length prefix");
        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (length > maxLength)
            throw new InvalidDataException($"DNS/TCP: message of {length} bytes exceeds {maxLength}");
        var message = new byte[length];
        await stream.ReadExactlyAsync(message, ct).ConfigureAwait(false);
        return message;
    }

    public static async Task WriteAsync(NetworkStream stream, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, checked((ushort)message.Length));
        message.CopyTo(framed.AsMemory(2));
        await stream.WriteAsync(framed, ct).ConfigureAwait(false);
    }
}
