using Weft.DataPlane.Seams;

namespace Weft.DataPlane.Kernel;

/// <summary>
/// The local side the userspace VTEP gets for a network on the kernel path: it carries no container frames (the kernel's
/// vxlan device does), but lets the VTEP send and answer link probes on that VNI (<c>weft network diagnose</c>), which the
/// host's admission table steers to it. Reads wait until cancelled; anything written is dropped and counted.
/// </summary>
public sealed class ProbeOnlyDevice : IFrameDevice
{
    private long _dropped;

    /// <summary>Frames the VTEP tried to deliver on this VNI (none expected: only probes reach it, and those are answered).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne();
        return 0;
    }

    public void Write(ReadOnlySpan<PacketBuffer> packets) => Interlocked.Add(ref _dropped, packets.Length);

    public void Dispose()
    {
    }
}
