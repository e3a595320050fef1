using Weft.DataPlane.Seams;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>A local side that only counts what the VTEP delivers (no allocation per frame), for allocation tests.</summary>
public sealed class CountingFrameDevice : IFrameDevice
{
    public long Frames { get; private set; }

    public long Bytes { get; private set; }

    public int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken) => 0;

    public void Write(ReadOnlySpan<PacketBuffer> packets)
    {
        foreach (var p in packets)
        {
            Frames++;
            Bytes += p.Length;
        }
    }

    public void Dispose()
    {
    }
}
