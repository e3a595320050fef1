using Weft.DataPlane.Seams;

namespace Weft.Benchmarks;

/// <summary>A frame device that discards what it is given and never yields frames.</summary>
internal sealed class DiscardDevice : IFrameDevice
{
    public int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken) => 0;
    public void Write(ReadOnlySpan<PacketBuffer> packets) { }
    public void Dispose() { }
}
