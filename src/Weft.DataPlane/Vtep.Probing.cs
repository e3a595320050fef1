using System.Collections.Concurrent;
using System.Diagnostics;
using Weft.DataPlane.Probing;
using Weft.DataPlane.Seams;

namespace Weft.DataPlane;

/// <summary>
/// Link probes between VTEPs (<see cref="ProbeFrame"/>): <see cref="ProbeAsync"/> sends one through the overlay to a
/// peer and waits for its answer; the receiving VTEP answers requests from admitted peers itself (after the same
/// admission and seal checks as any datagram) and never delivers a probe to a container. Answers go to the peer's VXLAN
/// port, not to the source port the request came from (that is one of the peer's send-only source-port sockets).
/// </summary>
public sealed partial class Vtep
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _probes = new();
    private int _nextProbeId;

    /// <summary>The largest probe frame a VTEP with these options can send.</summary>
    public int MaxProbeLength => Options.BufferCapacity - PacketBuffer.DefaultHeadroom;

    /// <summary>
    /// Sends a probe frame of <paramref name="frameLength"/> bytes on <paramref name="vni"/> to <paramref name="peer"/> and
    /// returns the round-trip time of its answer, or null when none came within <paramref name="timeout"/> (or the probe
    /// could not be sent, e.g. an encrypted network without a key yet).
    /// </summary>
    public async Task<TimeSpan?> ProbeAsync(uint vni, PeerEndpoint peer, int frameLength, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_networks.ContainsKey(vni)) throw new InvalidOperationException($"VNI {vni} has no data path on this host");
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, ProbeFrame.MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLength, MaxProbeLength);
        var id = (uint)Interlocked.Increment(ref _nextProbeId);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[id] = answered;
        try
        {
            var buffer = new PacketBuffer(Options.BufferCapacity);
            ProbeFrame.Write(buffer.Writable, ProbeKind.Request, id, frameLength);
            buffer.SetLength(frameLength);
            var started = Stopwatch.GetTimestamp();
            if (!TryEncapsulate(vni, buffer, peer, EncryptionOf(vni))) return null;
            _underlay.Send(new ReadOnlySpan<PacketBuffer>(in buffer));
            try
            {
                await answered.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
            return Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            _probes.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Consumes an admitted, unwrapped probe: completes the wait of a reply, answers a request from a peer of the VNI.
    /// False when <paramref name="buffer"/> is not a probe (it is then delivered as usual).
    /// </summary>
    private bool TryHandleProbe(uint vni, PacketBuffer buffer)
    {
        if (!ProbeFrame.TryRead(buffer.Data, out var kind, out var id)) return false;
        if (kind == ProbeKind.Reply)
        {
            if (_probes.TryGetValue(id, out var waiting)) waiting.TrySetResult();
            return true;
        }
        var sender = buffer.Peer;
        foreach (var peer in Table.Peers(vni))
        {
            if (!peer.SameAddress(sender)) continue;
            ProbeFrame.MakeReply(buffer.Data);
            if (TryEncapsulate(vni, buffer, peer, EncryptionOf(vni))) _underlay.Send(new ReadOnlySpan<PacketBuffer>(in buffer));
            break;
        }
        return true;
    }
}
