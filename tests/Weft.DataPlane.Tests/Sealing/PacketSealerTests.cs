using System.Buffers.Binary;
using Weft.DataPlane.Counters;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Sealing;

public sealed class PacketSealerTests : IDisposable
{
    private const uint Vni = 4242;
    private static readonly PeerEndpoint ReceiverAddress = PeerEndpoint.Parse("198.51.100.2", 4789);
    private readonly SealKit _kit = new();
    private readonly byte[] _key = SealKit.NewKey();
    private readonly KeyRing _sender;
    private readonly KeyRing _receiver;
    private readonly byte[] _frame;

    public PacketSealerTests()
    {
        _sender = _kit.Ring(0x0a000001, _key);
        _receiver = _kit.Ring(0x0a000002, _key);
        var a = IPv4Address.Parse("10.0.0.2");
        var b = IPv4Address.Parse("10.0.0.3");
        _frame = Frames.Udp(MacAddress.FromIPv4(a), MacAddress.FromIPv4(b), a, b, 1000, 2000, 1358);
    }

    public void Dispose() => _kit.Dispose();

    private PacketBuffer Sealed(KeyRing? ring = null)
    {
        var buffer = new PacketBuffer(4096);
        buffer.Load(_frame);
        Assert.True(PacketSealer.TrySeal(buffer, Vni, ring ?? _sender, ReceiverAddress, out _));
        return buffer;
    }

    private static PacketBuffer Received(ReadOnlySpan<byte> datagram)
    {
        var buffer = new PacketBuffer(4096);
        buffer.Load(datagram);
        return buffer;
    }

    [Fact]
    public void Seals_in_place_into_the_documented_layout_and_opens_back_to_the_frame()
    {
        var buffer = Sealed();
        var wire = buffer.Data.ToArray();
        Assert.Equal(_frame.Length + VxlanHeader.Size + SealFormat.Overhead, wire.Length);
        Assert.Equal(PacketBuffer.DefaultHeadroom - SealFormat.AssociatedDataSize, buffer.Offset);
        Assert.Equal(0x48, wire[0]);                                   // I and S flags
        Assert.True(VxlanHeader.TryRead(wire, out var vxlan));
        Assert.Equal(Vni, vxlan.Vni);
        Assert.True(SealHeader.TryRead(wire.AsSpan(VxlanHeader.Size), out var seal));
        Assert.Equal(2, wire[8]);                                      // version
        Assert.Equal(1u, seal.Epoch);
        Assert.Equal(0x0a000001u, seal.SenderId);
        Assert.Equal(seal.Counter, BinaryPrimitives.ReadUInt64BigEndian(wire.AsSpan(16)));
        Assert.DoesNotContain(Convert.ToHexString(_frame.AsSpan(14, 40)), Convert.ToHexString(wire));

        var received = Received(wire);
        Assert.True(PacketSealer.TryOpen(received, _receiver, ReceiverAddress, out _));
        Assert.Equal(_frame, received.Data.ToArray());
    }

    [Fact]
    public void Every_datagram_gets_a_new_counter()
    {
        var counters = Enumerable.Range(0, 50)
            .Select(_ => SealHeader.TryRead(Sealed().Data[VxlanHeader.Size..], out var h) ? h.Counter : 0).ToList();
        Assert.Equal(50, counters.Distinct().Count());
        Assert.Equal(counters.Order(), counters);
    }

    [Fact]
    public void A_changed_byte_anywhere_is_dropped_and_does_not_move_the_replay_window()
    {
        var wire = Sealed().Data.ToArray();
        for (var i = 0; i < wire.Length; i++)
        {
            foreach (var flip in new byte[] { 0x01, 0x80 })
            {
                var tampered = (byte[])wire.Clone();
                tampered[i] ^= flip;
                var buffer = Received(tampered);
                Assert.False(PacketSealer.TryOpen(buffer, _receiver, ReceiverAddress, out var reason), $"byte {i} ^ {flip:x2} opened");
                Assert.Contains(reason, new[] { DropReason.BadSeal, DropReason.UnknownKey, DropReason.Unsealed });
            }
        }
        Assert.True(PacketSealer.TryOpen(Received(wire), _receiver, ReceiverAddress, out _), "the genuine datagram still opens");
    }

    [Fact]
    public void A_replayed_datagram_is_dropped_as_replay()
    {
        var wire = Sealed().Data.ToArray();
        Assert.True(PacketSealer.TryOpen(Received(wire), _receiver, ReceiverAddress, out _));
        Assert.False(PacketSealer.TryOpen(Received(wire), _receiver, ReceiverAddress, out var reason));
        Assert.Equal(DropReason.Replay, reason);
    }

    [Fact]
    public void Unsealed_truncated_and_unknown_epoch_are_told_apart()
    {
        var plain = new byte[VxlanHeader.Size + _frame.Length];
        new VxlanHeader(Vni).Write(plain);
        _frame.CopyTo(plain, VxlanHeader.Size);
        Assert.False(PacketSealer.TryOpen(Received(plain), _receiver, ReceiverAddress, out var reason));
        Assert.Equal(DropReason.Unsealed, reason);

        var wire = Sealed().Data.ToArray();
        Assert.False(PacketSealer.TryOpen(Received(wire.AsSpan(0, SealFormat.MinDatagram - 1)), _receiver, ReceiverAddress, out reason));
        Assert.Equal(DropReason.Truncated, reason);

        var other = _kit.Ring(0x0a000003, SealKit.NewKey(), epoch: 2);
        Assert.False(PacketSealer.TryOpen(Received(Sealed(other).Data), _receiver, ReceiverAddress, out reason));
        Assert.Equal(DropReason.UnknownKey, reason);
    }

    [Fact]
    public void A_different_key_under_the_same_epoch_does_not_open()
    {
        var stranger = _kit.Ring(0x0a000009, SealKit.NewKey());
        Assert.False(PacketSealer.TryOpen(Received(Sealed().Data), stranger, ReceiverAddress, out var reason));
        Assert.Equal(DropReason.BadSeal, reason);
    }

    [Fact]
    public void Without_an_active_key_or_room_nothing_is_sealed()
    {
        var buffer = new PacketBuffer(4096);
        buffer.Load(_frame);
        Assert.False(PacketSealer.TrySeal(buffer, Vni, _kit.Ring(5, SealKit.NewKey(), activate: false), ReceiverAddress, out var reason));
        Assert.Equal(DropReason.NoKey, reason);
        Assert.Equal(_frame, buffer.Data.ToArray());

        var full = new PacketBuffer(PacketBuffer.DefaultHeadroom + _frame.Length + SealFormat.TagSize - 1);
        full.Load(_frame);
        Assert.False(PacketSealer.TrySeal(full, Vni, _sender, ReceiverAddress, out reason));
        Assert.Equal(DropReason.NoHeadroom, reason);
        Assert.Equal(_frame, full.Data.ToArray());
    }

    [Fact]
    public void A_retired_key_no_longer_opens_what_it_sealed()
    {
        var wire = Sealed().Data.ToArray();
        _receiver.Retire(1);
        Assert.False(PacketSealer.TryOpen(Received(wire), _receiver, ReceiverAddress, out var reason));
        Assert.Equal(DropReason.UnknownKey, reason);
    }

    [Fact]
    public void A_datagram_sealed_for_one_receiver_does_not_open_at_another_member_with_the_same_key()
    {
        var wire = Sealed().Data.ToArray();
        var otherMember = PeerEndpoint.Parse("198.51.100.3", 4789);
        Assert.False(PacketSealer.TryOpen(Received(wire), _receiver, otherMember, out var reason));
        Assert.Equal(DropReason.BadSeal, reason);
        Assert.True(PacketSealer.TryOpen(Received(wire), _receiver, ReceiverAddress, out _), "it still opens at its own receiver");
    }

    [Fact]
    public void A_ring_receiving_only_from_a_fresh_epoch_refuses_older_epochs_as_stale_and_opens_the_fresh_one()
    {
        var old = Sealed().Data.ToArray();                      // epoch 1, sealed before the receiver's ring was rebuilt
        using var rebuilt = new KeyRing(_receiver.Sender);     // the receiver's new ring: same host, same keys, no windows
        rebuilt.ReceiveOnlyFrom(2);
        rebuilt.Install(1, _key);
        var fresh = SealKit.NewKey();
        rebuilt.Install(2, fresh);
        _sender.Install(2, fresh);

        Assert.False(PacketSealer.TryOpen(Received(old), rebuilt, ReceiverAddress, out var reason));
        Assert.Equal(DropReason.StaleEpoch, reason);
        Assert.Equal(2u, rebuilt.Status().ReceiveFrom);

        _sender.Activate(2);
        Assert.True(PacketSealer.TryOpen(Received(Sealed().Data), rebuilt, ReceiverAddress, out _), "the fresh epoch opens");
        rebuilt.ReceiveOnlyFrom(1);                              // the floor never goes down
        Assert.Equal(2u, rebuilt.ReceiveFrom);
    }
}
