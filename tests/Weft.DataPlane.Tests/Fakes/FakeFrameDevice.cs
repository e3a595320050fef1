using System.Collections.Concurrent;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>
/// An in-memory local side for one VNI on one simulated host: a tiny learning-free bridge between the VTEP and the
/// <see cref="FakeContainer"/>s attached to it. Frames a container sends go to the other local containers (if addressed to
/// them or broadcast) and to the VTEP, as a Linux bridge floods to its TAP port; frames the VTEP writes go to the containers.
/// </summary>
public sealed class FakeFrameDevice : IFrameDevice
{
    private readonly BlockingCollection<byte[]> _toVtep = new();
    private readonly List<FakeContainer> _containers = new();
    private readonly ConcurrentQueue<byte[]> _written = new();

    /// <summary>Every frame the VTEP delivered to this side (for assertions).</summary>
    public IReadOnlyCollection<byte[]> Written => _written;

    public void Attach(FakeContainer container)
    {
        lock (_containers) _containers.Add(container);
    }

    /// <summary>A frame sent by a local container onto the bridge.</summary>
    public void FromContainer(FakeContainer sender, byte[] frame)
    {
        EthernetHeader.TryRead(frame, out var eth);
        FakeContainer[] locals;
        lock (_containers) locals = _containers.ToArray();
        var deliveredLocally = false;
        foreach (var c in locals)
        {
            if (c == sender) continue;
            if (eth.Destination.IsMulticast || eth.Destination == c.Mac)
            {
                c.Receive(frame);
                deliveredLocally |= eth.Destination == c.Mac;
            }
        }
        if (!deliveredLocally && !_toVtep.IsAddingCompleted) _toVtep.Add(frame);
    }

    /// <summary>Hands a raw frame to the VTEP as if it came from the bridge.</summary>
    public void Inject(byte[] frame) => _toVtep.Add(frame);

    public int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        byte[] first;
        try
        {
            if (!_toVtep.TryTake(out first!, Timeout.Infinite, cancellationToken)) return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        packets[0].Load(first);
        var n = 1;
        while (n < packets.Length && _toVtep.TryTake(out var next)) packets[n++].Load(next);
        return n;
    }

    public void Write(ReadOnlySpan<PacketBuffer> packets)
    {
        FakeContainer[] locals;
        lock (_containers) locals = _containers.ToArray();
        foreach (var p in packets)
        {
            var frame = p.Data.ToArray();
            _written.Enqueue(frame);
            EthernetHeader.TryRead(frame, out var eth);
            foreach (var c in locals)
            {
                if (eth.Destination.IsMulticast || eth.Destination == c.Mac) c.Receive(frame);
            }
        }
    }

    public void Dispose() => _toVtep.CompleteAdding();
}
