using Weft.DataPlane.Counters;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Sealing;
using Weft.Wire;

namespace Weft.DataPlane;

public sealed partial class Vtep
{
    /// <summary>
    /// Handles a batch of datagrams from the underlay: admission (I flag, local VNI, known peer of that VNI, seal opened on
    /// an encrypted VNI, sane inner Ethernet), then strips the VXLAN header (and seal) in place and writes the inner frames to their VNI's device, one write per VNI.
    /// Everything else is dropped and counted by reason; nothing here throws on malformed input.
    /// </summary>
    /// <param name="scratch">An array at least as long as <paramref name="datagrams"/>, reused across calls.</param>
    public void ProcessFromUnderlay(Span<PacketBuffer> datagrams, PacketBuffer[] scratch)
    {
        var accepted = 0;
        foreach (var buffer in datagrams)
        {
            if (Admit(buffer)) scratch[accepted++] = buffer;
        }
        Deliver(scratch.AsSpan(0, accepted));
    }

    private bool Admit(PacketBuffer buffer)
    {
        var data = buffer.Data;
        if (data.Length < VxlanHeader.Size + EthernetHeader.Size)
        {
            Counters.Drop(DropReason.Truncated);
            return false;
        }
        if (!VxlanHeader.TryRead(data, out var vxlan))
        {
            Counters.Drop(DropReason.NotVxlan);
            return false;
        }
        if (!_networks.ContainsKey(vxlan.Vni))
        {
            Counters.Drop(DropReason.UnknownVni);
            return false;
        }
        if (!Table.IsPeer(vxlan.Vni, buffer.Peer))
        {
            Counters.Drop(DropReason.UnknownPeer);
            return false;
        }
        if (!TryUnwrap(vxlan.Vni, buffer)) return false;
        if (TryHandleProbe(vxlan.Vni, buffer)) return false; // answered or awaited here, never delivered
        EthernetHeader.TryRead(buffer.Data, out var inner);
        if (inner.Source.IsMulticast || inner.Source.IsZero)
        {
            Counters.Drop(DropReason.InvalidInnerFrame);
            return false;
        }
        // MACs behind an external VTEP are learned from what it sends (never a container the store knows, never from a Weft host).
        if (Table.IsExternalPeer(vxlan.Vni, buffer.Peer) && !Table.IsKnown(vxlan.Vni, inner.Source))
            Table.Learned.Learn(vxlan.Vni, inner.Source, buffer.Peer);
        buffer.Vni = vxlan.Vni;
        return true;
    }

    /// <summary>
    /// Leaves the inner frame in <paramref name="buffer"/>: strips the VXLAN header of a plain VNI, opens the seal of an
    /// encrypted one (fail closed: unsealed, unknown key, bad seal and replay are dropped). A sealed datagram on a VNI that
    /// is plain here is dropped as UnknownKey rather than handed on as garbage.
    /// </summary>
    private bool TryUnwrap(uint vni, PacketBuffer buffer)
    {
        var ring = EncryptionOf(vni);
        if (ring is null)
        {
            if (SealFormat.IsSealed(buffer.Data))
            {
                Counters.Drop(DropReason.UnknownKey);
                return false;
            }
            buffer.TryTrimFront(VxlanHeader.Size);
            return true;
        }
        if (!PacketSealer.TryOpen(buffer, ring, _underlay.LocalEndpoint, out var reason))
        {
            Counters.Drop(reason);
            return false;
        }
        Counters.Opened();
        return true;
    }

    /// <summary>Writes accepted frames grouped by VNI (partitioning the span in place, no allocation).</summary>
    private void Deliver(Span<PacketBuffer> accepted)
    {
        while (!accepted.IsEmpty)
        {
            var vni = accepted[0].Vni;
            var same = 1;
            for (var i = 1; i < accepted.Length; i++)
            {
                if (accepted[i].Vni != vni) continue;
                (accepted[same], accepted[i]) = (accepted[i], accepted[same]);
                same++;
            }
            if (_networks.TryGetValue(vni, out var network))
            {
                network.Device.Write(accepted[..same]);
                Counters.Decapsulated(same);
            }
            else
            {
                for (var i = 0; i < same; i++) Counters.Drop(DropReason.UnknownVni); // detached meanwhile
            }
            accepted = accepted[same..];
        }
    }
}
