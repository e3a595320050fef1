namespace Weft.DataPlane.Seams;

/// <summary>
/// The physical side of a VTEP: UDP datagrams to and from peer hosts (a UDP socket bound in
/// the host's namespace in production, a virtual fabric in tests). Batch-oriented so the
/// Linux implementation can use recvmmsg/sendmmsg and UDP GSO/GRO.
/// </summary>
public interface IUnderlay : IDisposable
{
    /// <summary>The local address and port datagrams are received on.</summary>
    PeerEndpoint LocalEndpoint { get; }

    /// <summary>
    /// Blocks until at least one datagram arrives, fills <paramref name="packets"/> from the front
    /// (UDP payload only, i.e. starting at the VXLAN header; <see cref="PacketBuffer.Peer"/> set to
    /// the sender) and returns how many. Returns 0 when closed or cancelled.
    /// </summary>
    int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken);

    /// <summary>Sends each packet's data (VXLAN header onwards) as one UDP datagram to its <see cref="PacketBuffer.Peer"/>.</summary>
    void Send(ReadOnlySpan<PacketBuffer> packets);
}
