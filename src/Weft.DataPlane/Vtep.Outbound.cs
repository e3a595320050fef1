using Weft.DataPlane.Counters;
using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane;

public sealed partial class Vtep
{
    /// <summary>
    /// Handles a batch of frames read from the local device of <paramref name="vni"/>: answers ARP for remote endpoints
    /// back into <paramref name="device"/>, encapsulates known unicast in place and sends it, replicates broadcast and
    /// multicast to every peer, and counts the rest as drops. Buffers are modified in place.
    /// </summary>
    public void ProcessFromDevice(uint vni, IFrameDevice device, Span<PacketBuffer> frames, OutboundScratch scratch)
    {
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
            if (eth.EtherType == EtherType.Arp)
            {
                if (TryAnswerArp(vni, buffer, eth)) scratch.Replies[reply++] = buffer;
                continue;
            }
            if (eth.Destination.IsMulticast)
            {
                Flood(vni, buffer);
                continue;
            }
            if (!Table.TryGetVtep(vni, eth.Destination, out var vtep))
            {
                Counters.Drop(DropReason.UnknownDestination);
                continue;
            }
            if (!TryEncapsulate(vni, buffer, vtep)) continue;
            scratch.Sends[send++] = buffer;
        }
        if (send > 0)
        {
            _underlay.Send(scratch.Sends.AsSpan(0, send));
            Counters.Encapsulated(send);
        }
        if (reply > 0) device.Write(scratch.Replies.AsSpan(0, reply));
    }

    /// <summary>Prepends the VXLAN header in place and addresses the datagram to <paramref name="vtep"/>.</summary>
    private bool TryEncapsulate(uint vni, PacketBuffer buffer, PeerEndpoint vtep)
    {
        var sourcePort = FlowHash.SourcePort(buffer.Data);
        if (!buffer.TryPrepend(VxlanHeader.Size, out var header))
        {
            Counters.Drop(DropReason.NoHeadroom);
            return false;
        }
        new VxlanHeader(vni).Write(header);
        buffer.SourcePort = sourcePort;
        buffer.Peer = vtep.Port == 0 ? vtep.WithPort(Options.DestinationPort) : vtep;
        return true;
    }

    /// <summary>Head-end replication: one copy per peer of the VNI, sent one at a time from the same buffer.</summary>
    private void Flood(uint vni, PacketBuffer buffer)
    {
        var peers = Table.Peers(vni);
        if (peers.IsEmpty)
        {
            Counters.Drop(DropReason.NoPeers);
            return;
        }
        if (!TryEncapsulate(vni, buffer, peers[0])) return;
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
