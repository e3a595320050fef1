using Weft.DataPlane.Seams;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>An underlay that never receives and only counts what the VTEP sends (no allocation per datagram).</summary>
public sealed class CountingUnderlay : IUnderlay
{
    public PeerEndpoint LocalEndpoint { get; } = PeerEndpoint.Parse("198.51.100.1", 4789);

    public long Datagrams { get; private set; }

    /// <summary>Where the last datagram went, with its outer source port.</summary>
    public (PeerEndpoint To, ushort SourcePort) Last { get; private set; }

    public int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken) => 0;

    public void Send(ReadOnlySpan<PacketBuffer> packets)
    {
        foreach (var p in packets)
        {
            Datagrams++;
            Last = (p.Peer, p.SourcePort);
        }
    }

    public void Dispose()
    {
    }
}
