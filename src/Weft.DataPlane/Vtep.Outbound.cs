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
                if (TryAnswerArp(vni, buffer, eth)) scratch.Replies[reply++] = buffer;
                continue;
            }
            if (eth.Destination.IsMulticast)
            {
                Flood(vni, buffer, ring);
                continue;
            }
            if (!Table.TryGetVtep(vni, eth.Destination, out var vtep))
            {
                Counters.Drop(DropReason.UnknownDestination);
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
    /// Prepends the VXLAN header in place (sealing the frame when <paramref name="ring"/> is set) and addresses the datagram
    /// to <paramref name="vtep"/>.
    /// </summary>
    private bool TryEncapsulate(uint vni, PacketBuffer buffer, PeerEndpoint vtep, KeyRing? ring)
    {
        var sourcePort = FlowHash.SourcePort(buffer.Data);
        if (ring is not null)
        {
            if (!PacketSealer.TrySeal(buffer, vni, ring, out var reason))
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
    /// Head-end replication: one copy per peer of the VNI, sent one at a time from the same buffer (sealed once: every peer
    /// gets the same datagram, which each accepts once).
    /// </summary>
    private void Flood(uint vni, PacketBuffer buffer, KeyRing? ring)
    {
        var peers = Table.Peers(vni);
        if (peers.IsEmpty)
        {
            Counters.Drop(DropReason.NoPeers);
            return;
        }
        if (!TryEncapsulate(vni, buffer, peers[0], ring)) return;
        foreach (var peer in peers)
        {
            buffer.Peer = peer.Port == 0 ? peer.WithPort(Options.DestinationPort) : peer;
            _underlay.Send(new ReadOnlySpan<PacketBuffer>(in buffer));
        }
        Counters.Flooded(peers.Length);
        Counters.Encapsulated(peers.Length);
    }

    /// <summary>
    /// Turns an ARP request for a remote endpoint's address into the reply that endpoint would send (in place).
    /// Requests for other addresses are left to the bridge (local containers answer themselves); ARP never crosses the underlay.
    /// </summary>
    private bool TryAnswerArp(uint vni, PacketBuffer buffer, EthernetHeader eth)
    {
        if (!ArpPacket.TryRead(buffer.Data[eth.HeaderLength..], out var arp) || !arp.IsRequest)
        {
            Counters.Drop(DropReason.ArpNotForwarded);
            return false;
        }
        if (!Table.TryResolve(vni, arp.TargetIp, out var owner))
        {
            Counters.Drop(DropReason.ArpNotRemote);
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

/// <summary>Per-thread scratch arrays for <see cref="Vtep.ProcessFromDevice"/> (allocated once per reader).</summary>
public sealed class OutboundScratch(int batchSize)
{
    internal PacketBuffer[] Sends { get; } = new PacketBuffer[batchSize];

    internal PacketBuffer[] Replies { get; } = new PacketBuffer[batchSize];
}
