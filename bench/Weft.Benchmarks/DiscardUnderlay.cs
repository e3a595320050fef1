using Weft.DataPlane.Seams;

namespace Weft.Benchmarks;

/// <summary>An underlay that sends nowhere and never receives: benchmarks measure the VTEP's own work.</summary>
internal sealed class DiscardUnderlay(PeerEndpoint? local = null) : IUnderlay
{
    public PeerEndpoint LocalEndpoint { get; } = local ?? PeerEndpoint.Parse("198.51.100.1", 4789);
    public int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken) => 0;
    public void Send(ReadOnlySpan<PacketBuffer> packets) { }
    public void Dispose() { }
}
