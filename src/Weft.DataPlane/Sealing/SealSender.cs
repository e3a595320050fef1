using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// This host as a sender of sealed datagrams: its 32-bit sender id and its <see cref="NonceCounter"/>. The nonce is
/// sender id ‖ counter, so two hosts holding the same network key never use the same nonce as long as their sender ids
/// differ. One per host, shared by all key rings; the caller owns (disposes) the counter.
/// </summary>
public sealed class SealSender
{
    public SealSender(uint senderId, NonceCounter nonces)
    {
        if (senderId == 0) throw new ArgumentOutOfRangeException(nameof(senderId), "sender id 0 is reserved (unconfigured); give each host a unique non-zero id");
        SenderId = senderId;
        Nonces = nonces;
    }

    public uint SenderId { get; }

    public NonceCounter Nonces { get; }

    /// <summary>
    /// The sender id of a host with IPv4 underlay address <paramref name="underlay"/>: the address itself, which is unique
    /// among the hosts of one underlay. (An IPv6 underlay needs ids assigned by the control plane.)
    /// </summary>
    public static uint IdFromUnderlay(IPAddress underlay)
    {
        var v4 = underlay.IsIPv4MappedToIPv6 ? underlay.MapToIPv4() : underlay;
        if (v4.AddressFamily != AddressFamily.InterNetwork || v4.Equals(IPAddress.Any) || v4.Equals(IPAddress.Broadcast))
        {
            throw new ArgumentException($"sender id from underlay address: '{underlay}' is not a unicast IPv4 address; assign a unique id instead", nameof(underlay));
        }
        Span<byte> bytes = stackalloc byte[4];
        v4.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
