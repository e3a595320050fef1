using Weft.DataPlane.Seams;

namespace Weft.Agent.Tests.DataPath;

/// <summary>An underlay that never receives and drops what is sent: for a VTEP whose key rings alone are under test.</summary>
public sealed class SilentUnderlay : IUnderlay
{
    public PeerEndpoint LocalEndpoint { get; } = PeerEndpoint.Parse("198.51.100.1", 4789);

    public int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken) => 0;

    public void Send(ReadOnlySpan<PacketBuffer> packets)
    {
    }

    public void Dispose()
    {
    }
}
