using System.Collections.Concurrent;
using Weft.DataPlane.Seams;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>
/// The simulated physical network: delivers datagrams between <see cref="FakeUnderlay"/>s by destination address,
/// and records what crossed it (what a capture on the underlay would show).
/// </summary>
public sealed class VirtualFabric
{
    private readonly ConcurrentDictionary<PeerEndpoint, FakeUnderlay> _hosts = new();

    /// <summary>Every datagram that crossed the fabric: source, destination, source port, payload.</summary>
    public ConcurrentQueue<(PeerEndpoint From, PeerEndpoint To, ushort SourcePort, byte[] Payload)> Captured { get; } = new();

    public FakeUnderlay Connect(string address, ushort port = 4789)
    {
        var underlay = new FakeUnderlay(this, PeerEndpoint.Parse(address, port));
        _hosts[underlay.LocalEndpoint] = underlay;
        return underlay;
    }

    /// <summary>What the physical network loses: (from, to, UDP payload length) → true drops it, like a firewall or a link whose MTU is too small.</summary>
    public Func<PeerEndpoint, PeerEndpoint, int, bool>? Drops { get; set; }

    internal void Carry(PeerEndpoint from, PeerEndpoint to, ushort sourcePort, byte[] payload)
    {
        Captured.Enqueue((from, to, sourcePort, payload));
        if (Drops?.Invoke(from, to, payload.Length) == true) return;
        if (_hosts.TryGetValue(to, out var host)) host.Arrive(from.WithPort(sourcePort == 0 ? from.Port : sourcePort), payload);
    }

    /// <summary>Sends raw bytes from an arbitrary (possibly unknown) source, like a packet from outside the cluster.</summary>
    public void Inject(PeerEndpoint from, PeerEndpoint to, byte[] payload) => Carry(from, to, from.Port, payload);
}

/// <summary>One host's UDP socket on the <see cref="VirtualFabric"/>.</summary>
public sealed class FakeUnderlay : IUnderlay
{
    private readonly VirtualFabric _fabric;
    private readonly BlockingCollection<(PeerEndpoint From, byte[] Payload)> _inbox = new();

    internal FakeUnderlay(VirtualFabric fabric, PeerEndpoint local)
    {
        _fabric = fabric;
        LocalEndpoint = local;
    }

    public PeerEndpoint LocalEndpoint { get; }

    internal void Arrive(PeerEndpoint from, byte[] payload)
    {
        if (!_inbox.IsAddingCompleted) _inbox.Add((from, payload));
    }

    public int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        (PeerEndpoint From, byte[] Payload) item;
        try
        {
            if (!_inbox.TryTake(out item, Timeout.Infinite, cancellationToken)) return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        var n = 0;
        do
        {
            packets[n].Load(item.Payload);
            packets[n].Peer = item.From;
            n++;
        }
        while (n < packets.Length && _inbox.TryTake(out item));
        return n;
    }

    public void Send(ReadOnlySpan<PacketBuffer> packets)
    {
        foreach (var p in packets) _fabric.Carry(LocalEndpoint, p.Peer, p.SourcePort, p.Data.ToArray());
    }

    public void Dispose() => _inbox.CompleteAdding();
}
