namespace Weft.DataPlane.Seams;

/// <summary>
/// The local side of a VTEP: Ethernet frames to and from containers (a TAP device in
/// production, an in-memory queue in tests). Batch-oriented like wireguard-go's tun.Device:
/// one call moves many frames, so a syscall-backed device can use one syscall per batch.
/// </summary>
public interface IFrameDevice : IDisposable
{
    /// <summary>
    /// Blocks until at least one frame is available, fills <paramref name="packets"/> from the
    /// front (each via <see cref="PacketBuffer.Writable"/> + <see cref="PacketBuffer.SetLength"/>,
    /// data starting at the headroom) and returns how many. Returns 0 when the device is closed
    /// or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken);

    /// <summary>Delivers frames to the local side. Frames that cannot be delivered are dropped.</summary>
    void Write(ReadOnlySpan<PacketBuffer> packets);
}
