using Weft.DataPlane.Counters;
using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane;

public sealed partial class Vtep
{
    /// <summary>
    /// Handles a batch of frames read from the local device of <paramref name="vni"/>: answers ARP for remote endpoints
    /// back into <paramref name="device"/>, encapsulates known unicast in place and sends it, replicates broadcast and
    /// multicast to every peer, and counts the rest as drops. On an encrypted VNI every datagram is sealed (or dropped).
    /// Buffers are modified in place.
    /// </summary>
    public void ProcessFromDevice(uint vni, IFrameDevice device, Span<PacketBuffer> frames, OutboundScratch scratch)
    {
        var ring = EncryptionOf(vni); // once per batch: a plain VNI pays nothing more per frame
        var send = 0;
        var reply = 0;
        foreach (var buffer in frames)
        {
            var frame = buffer.Data;
            if (!EthernetHeader.TryRead(frame, out var eth))
            {
                Counters.Drop(DropReason.InvalidLocalFrame);
                continue;
            }
            if (eth.EtherType == Probing.ProbeFrame.EtherType)
            {
                Counters.Drop(DropReason.InvalidLocalFrame); // only VTEPs probe: a container cannot forge a probe or its answer
                continue;
            }
            if (eth.EtherType == EtherType.Arp)
            {
                if (TryAnswerArp(vni, buffer, eth, out var forward)) scratch.Replies[reply++] = buffer;
                if (!forward) continue;
            }
            if (eth.Destination.IsMulticast)
            {
                Flood(vni, buffer, ring, scratch, Table.Peers(vni));
                continue;
            }
            if (!Table.TryGetVtep(vni, eth.Destination, out var vtep))
            {
                // Unknown unicast: only a MAC behind an external VTEP can be unknown (Weft's containers are all in the
                // table), so it goes to the external peers, as the kernel floods it; without any, it is dropped.
                var external = Table.ExternalPeers(vni);
                if (external.IsEmpty) Counters.Drop(DropReason.UnknownDestination);
                else Flood(vni, buffer, ring, scratch, external);
                continue;
            }
            if (!TryEncapsulate(vni, buffer, vtep, ring)) continue;
            scratch.Sends[send++] = buffer;
        }
        if (send > 0)
        {
            _underlay.Send(scratch.Sends.AsSpan(0, send));
            Counters.Encapsulated(send);
        }
        if (reply > 0) device.Write(scratch.Replies.AsSpan(0, reply));
    }

    /// <summary>
    /// Prepends the VXLAN header in place (sealing the frame when <paramref name="ring"/> is set, bound to
    /// <paramref name="vtep"/>'s address) and addresses the datagram to <paramref name="vtep"/>.
    /// </summary>
    private bool TryEncapsulate(uint vni, PacketBuffer buffer, PeerEndpoint vtep, KeyRing? ring)
    {
        var sourcePort = FlowHash.SourcePort(buffer.Data);
        if (ring is not null)
        {
            if (!PacketSealer.TrySeal(buffer, vni, ring, vtep, out var reason))
            {
                Counters.Drop(reason);
                return false;
            }
            Counters.Sealed();
        }
        else if (buffer.TryPrepend(VxlanHeader.Size, out var header))
        {
            new VxlanHeader(vni).Write(header);
        }
        else
        {
            Counters.Drop(DropReason.NoHeadroom);
            return false;
        }
        buffer.SourcePort = sourcePort;
        buffer.Peer = vtep.Port == 0 ? vtep.WithPort(Options.DestinationPort) : vtep;
        return true;
    }

    /// <summary>
    /// Head-end replication: one copy per peer in <paramref name="peers"/> (every peer of the VNI, or its external ones). A plain VNI sends the same datagram to every peer from the one
    /// buffer. An encrypted VNI seals each copy for its own receiver (a seal binds the receiver's address), so every peer
    /// but the last gets a copy of the frame made in the reader's preallocated flood buffer, sealed for it.
    /// </summary>
    private void Flood(uint vni, PacketBuffer buffer, KeyRing? ring, OutboundScratch scratch, System.Collections.Immutable.ImmutableArray<PeerEndpoint> peers)
    {
        if (peers.IsEmpty)
        {
            Counters.Drop(DropReason.NoPeers);
            return;
        }
        var sent = 0;
        if (ring is null)
        {
            if (!TryEncapsulate(vni, buffer, peers[0], ring)) return;
            foreach (var peer in peers)
            {
                buffer.Peer = peer.Port == 0 ? peer.WithPort(Options.DestinationPort) : peer;
                _underlay.Send(new ReadOnlySpan<PacketBuffer>(in buffer));
            }
            sent = peers.Length;
        }
        else
        {
            var copy = scratch.FloodCopy(Options.BufferCapacity);
            for (var i = 0; i < peers.Length; i++)
            {
                var datagram = buffer;
                if (i < peers.Length - 1)
                {
                    copy.Load(buffer.Data); // the original is sealed (in place) last
                    copy.SegmentSize = buffer.SegmentSize;
                    datagram = copy;
                }
                if (!TryEncapsulate(vni, datagram, peers[i], ring)) break; // no key, nonce or room: none of the copies would go
                _underlay.Send(new ReadOnlySpan<PacketBuffer>(in datagram));
                sent++;
            }
        }
        Counters.Flooded(sent);
        Counters.Encapsulated(sent);
    }

    /// <summary>
    /// Turns an ARP request for a remote endpoint's address into the reply that endpoint would send (in place).
    /// Requests for other addresses are left to the bridge (local containers answer themselves); between Weft hosts ARP
    /// never crosses the underlay. A network with external VTEPs is the exception: the machines behind them are known to
    /// nobody here, so ARP this VTEP cannot answer (requests for their addresses, replies to them) is forwarded
    /// (<paramref name="forward"/>) like any frame, as their own VTEPs expect.
    /// </summary>
    private bool TryAnswerArp(uint vni, PacketBuffer buffer, EthernetHeader eth, out bool forward)
    {
        forward = false;
        if (!ArpPacket.TryRead(buffer.Data[eth.HeaderLength..], out var arp) || !arp.IsRequest)
        {
            forward = !Table.ExternalPeers(vni).IsEmpty;
            if (!forward) Counters.Drop(DropReason.ArpNotForwarded);
            return false;
        }
        if (!Table.TryResolve(vni, arp.TargetIp, out var owner))
        {
            forward = !Table.ExternalPeers(vni).IsEmpty;
            if (!forward) Counters.Drop(DropReason.ArpNotRemote);
            return false;
        }
        var frame = buffer.Data;
        new EthernetHeader(eth.Source, owner, EtherType.Arp).Write(frame);
        arp.ReplyFrom(owner).Write(frame[EthernetHeader.Size..]);
        buffer.SetLength(EthernetHeader.Size + ArpPacket.Size);
        Counters.ArpAnswered();
        return true;
    }
}

/// <summary>Per-thread scratch for <see cref="Vtep.ProcessFromDevice"/> (allocated once per reader).</summary>
public sealed class OutboundScratch(int batchSize)
{
    private PacketBuffer? _floodCopy;

    internal PacketBuffer[] Sends { get; } = new PacketBuffer[batchSize];

    internal PacketBuffer[] Replies { get; } = new PacketBuffer[batchSize];

    /// <summary>The buffer flooded frames of an encrypted VNI are copied into, one seal per peer (made on first use).</summary>
    internal PacketBuffer FloodCopy(int capacity) => _floodCopy ??= new PacketBuffer(capacity);
}
