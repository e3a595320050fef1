using System.Text;
using Weft.DataPlane.Counters;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Sealing;

/// <summary>
/// Three simulated hosts with real running <see cref="Vtep"/>s on a virtual fabric; one encrypted network (all three hold
/// its key) and one plain network for comparison. The fabric's capture is what an underlay capture would show.
/// </summary>
public sealed class EncryptedMultiHostTests : IDisposable
{
    private const uint SecureNet = 5000;
    private const uint PlainNet = 5001;
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("WEFT-MARKER-7f3a9c-do-not-leak");

    private readonly SealKit _kit = new();
    private readonly VirtualFabric _fabric = new();
    private readonly SimulatedHost[] _hosts;
    private readonly KeyRing[] _rings;
    private readonly byte[] _key = SealKit.NewKey();
    private readonly FakeContainer _a, _b, _c, _plainA, _plainB;

    public EncryptedMultiHostTests()
    {
        _hosts = [new SimulatedHost(_fabric, "198.51.100.1"), new SimulatedHost(_fabric, "198.51.100.2"), new SimulatedHost(_fabric, "198.51.100.3")];
        _rings = _hosts.Select(h => _kit.Ring(SealSender.IdFromUnderlay(h.Address.ToIPEndPoint().Address), _key)).ToArray();
        for (var i = 0; i < _hosts.Length; i++) _hosts[i].Vtep.SetEncryption(SecureNet, _rings[i]); // before attaching
        _a = _hosts[0].Run("a", "10.1.0.2", SecureNet);
        _b = _hosts[1].Run("b", "10.1.0.3", SecureNet);
        _c = _hosts[2].Run("c", "10.1.0.4", SecureNet);
        _plainA = _hosts[0].Run("pa", "10.2.0.2", PlainNet);
        _plainB = _hosts[1].Run("pb", "10.2.0.3", PlainNet);
        var secure = new[] { (_a, _hosts[0]), (_b, _hosts[1]), (_c, _hosts[2]) };
        foreach (var host in _hosts)
        {
            foreach (var (container, owner) in secure)
            {
                if (owner != host) host.Learn(SecureNet, container, owner);
            }
        }
        _hosts[0].Learn(PlainNet, _plainB, _hosts[1]);
        _hosts[1].Learn(PlainNet, _plainA, _hosts[0]);
    }

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
        _kit.Dispose();
    }

    private SimulatedHost H1 => _hosts[0];
    private SimulatedHost H2 => _hosts[1];

    private static byte[] UdpWith(FakeContainer from, FakeContainer to, byte[] payload, ushort sourcePort = 40000)
    {
        var frame = Frames.Udp(from.Mac, to.Mac, from.Ip, to.Ip, sourcePort, 5555, payload.Length);
        payload.CopyTo(frame, EthernetHeader.Size + IPv4Header.MinSize + UdpHeader.Size);
        return frame;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private bool CapturedContains(uint vni, byte[] needle) =>
        _fabric.Captured.Any(d => VxlanHeader.TryRead(d.Payload, out var h) && h.Vni == vni && Contains(d.Payload, needle));

    private List<SealHeader> SealedTo(SimulatedHost host) => _fabric.Captured
        .Where(d => d.To == host.Address && SealFormat.IsSealed(d.Payload))
        .Select(d => SealHeader.TryRead(d.Payload.AsSpan(VxlanHeader.Size), out var h) ? h : default).ToList();

    private static bool Eventually(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(10));

    [Fact]
    public void Ping_works_across_three_hosts_and_every_datagram_on_the_wire_is_sealed()
    {
        Assert.True(_a.Ping(_b.Ip, 1), "a -> b");
        Assert.True(_b.Ping(_c.Ip, 2), "b -> c");
        Assert.True(_c.Ping(_a.Ip, 3), "c -> a");

        var secure = _fabric.Captured.Where(d => VxlanHeader.TryRead(d.Payload, out var h) && h.Vni == SecureNet).ToList();
        Assert.NotEmpty(secure);
        Assert.All(secure, d => Assert.True(SealFormat.IsSealed(d.Payload)));
        Assert.All(_hosts, h => Assert.True(h.Vtep.Counters.Snapshot().Sealed > 0 && h.Vtep.Counters.Snapshot().Opened > 0));
        Assert.All(_hosts, h => Assert.Equal(0, h.Vtep.Counters.Snapshot().TotalDrops));
    }

    [Fact]
    public void A_marker_in_the_payload_shows_on_the_wire_of_a_plain_network_and_never_on_an_encrypted_one()
    {
        _plainA.Send(UdpWith(_plainA, _plainB, Marker));
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => _plainB.Received.Any(f => Contains(f, Marker)) && _b.Received.Any(f => Contains(f, Marker))), "both delivered");

        Assert.True(CapturedContains(PlainNet, Marker), "plain network: marker visible on the underlay");
        Assert.False(CapturedContains(SecureNet, Marker), "encrypted network: marker must not be visible");
        Assert.DoesNotContain(_fabric.Captured, d => Contains(d.Payload, Marker) && SealFormat.IsSealed(d.Payload));
    }

    [Fact]
    public void A_forged_unsealed_datagram_from_a_peer_address_is_dropped_counted_and_not_delivered()
    {
        var forged = UdpWith(_a, _b, Marker);
        var datagram = new byte[VxlanHeader.Size + forged.Length];
        new VxlanHeader(SecureNet).Write(datagram);
        forged.CopyTo(datagram, VxlanHeader.Size);

        _fabric.Inject(H1.Address, H2.Address, datagram);

        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.Unsealed] == 1));
        Assert.DoesNotContain(_b.Received, f => Contains(f, Marker));
        Assert.Equal(0, H2.Vtep.Counters.Snapshot().Decapsulated);
    }

    [Fact]
    public void A_tampered_header_ciphertext_or_tag_is_dropped_as_bad_seal()
    {
        // Fresh datagrams sealed with h1's real key (new counters, so none is a replay), then one byte changed.
        var positions = new Dictionary<string, Func<int, int>>
        {
            ["vxlan reserved byte"] = _ => 7,
            ["seal counter"] = _ => 23,
            ["ciphertext"] = length => 60,
            ["tag"] = length => length - 1,
        };
        foreach (var (_, position) in positions)
        {
            var buffer = new PacketBuffer(4096);
            buffer.Load(UdpWith(_a, _b, Marker));
            Assert.True(PacketSealer.TrySeal(buffer, SecureNet, _rings[0], H2.Address, out _));
            var datagram = buffer.Data.ToArray();
            datagram[position(datagram.Length)] ^= 0x10;
            _fabric.Inject(H1.Address, H2.Address, datagram);
        }

        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.BadSeal] == positions.Count));
        Assert.DoesNotContain(_b.Received, f => Contains(f, Marker));
    }

    [Fact]
    public void A_captured_sealed_datagram_sent_again_is_dropped_as_replay()
    {
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => _b.Received.Count(f => Contains(f, Marker)) == 1));
        var captured = _fabric.Captured.Single(d => d.To == H2.Address && SealFormat.IsSealed(d.Payload)).Payload;

        _fabric.Inject(H1.Address, H2.Address, captured);
        _fabric.Inject(H1.Address, H2.Address, captured);

        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.Replay] == 2));
        Assert.Equal(1, _b.Received.Count(f => Contains(f, Marker)));
    }

    [Fact]
    public void A_rebuilt_ring_refuses_a_datagram_captured_before_it_was_built_until_a_fresh_epoch_is_active()
    {
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => _b.Received.Count(f => Contains(f, Marker)) == 1));
        var captured = _fabric.Captured.Single(d => d.To == H2.Address && SealFormat.IsSealed(d.Payload)).Payload;

        // What weftd did before: h2's ring rebuilt with the same epoch (restart or rejoin) had no window for h1, so the
        // capture was accepted once more.
        using var naive = new KeyRing(_rings[1].Sender); // same host: same sender id and nonce counter
        naive.Install(1, _key);
        naive.Activate(1);
        H2.Vtep.SetEncryption(SecureNet, naive);
        _fabric.Inject(H1.Address, H2.Address, captured);
        Assert.True(Eventually(() => _b.Received.Count(f => Contains(f, Marker)) == 2), "without a floor the replay is delivered");

        // What it does now: the new ring accepts inbound only from the fresh epoch it asked for (2) and keeps sending with 1.
        using var rebuilt = new KeyRing(_rings[1].Sender);
        rebuilt.ReceiveOnlyFrom(2);
        rebuilt.Install(1, _key);
        rebuilt.Activate(1);
        H2.Vtep.SetEncryption(SecureNet, rebuilt);
        _fabric.Inject(H1.Address, H2.Address, captured);
        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.StaleEpoch] == 1));
        Assert.Equal(2, _b.Received.Count(f => Contains(f, Marker)));
        var beforeFromB = _a.Received.Count;
        _b.Send(UdpWith(_b, _a, Marker));
        Assert.True(Eventually(() => _a.Received.Count == beforeFromB + 1), "h2 still sends with epoch 1");

        var fresh = SealKit.NewKey();
        foreach (var ring in new[] { _rings[0], rebuilt, _rings[2] }) ring.Install(2, fresh);
        foreach (var ring in new[] { _rings[0], rebuilt, _rings[2] }) ring.Activate(2);
        Assert.True(_a.Ping(_b.Ip, 11), "a reaches b once the fresh epoch is active");
        _fabric.Inject(H1.Address, H2.Address, captured);
        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.StaleEpoch] == 2));
        Assert.Equal(2, _b.Received.Count(f => Contains(f, Marker)));
    }

    [Fact]
    public void A_datagram_sealed_for_h2_and_sent_to_h3_from_h1s_address_is_dropped_as_bad_seal()
    {
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => _b.Received.Count(f => Contains(f, Marker)) == 1));
        var forH2 = _fabric.Captured.Single(d => d.To == H2.Address && SealFormat.IsSealed(d.Payload)).Payload;
        var h3 = _hosts[2];

        _fabric.Inject(H1.Address, h3.Address, forH2); // h3 holds the key and has never seen that counter from h1

        Assert.True(Eventually(() => h3.Vtep.Counters[DropReason.BadSeal] == 1));
        Assert.Empty(_c.Received);
        Assert.Equal(0, h3.Vtep.Counters.Snapshot().Opened);
    }

    [Fact]
    public void A_flooded_frame_is_sealed_once_per_peer_and_each_copy_opens_only_at_its_receiver()
    {
        var broadcast = UdpWith(_a, _b, Marker);
        new EthernetHeader(MacAddress.Broadcast, _a.Mac, EtherType.IPv4).Write(broadcast);
        _a.Send(broadcast);
        Assert.True(Eventually(() => _b.Received.Count == 1 && _c.Received.Count == 1), "both peers get the broadcast");
        var toH2 = _fabric.Captured.Single(d => d.To == H2.Address && SealFormat.IsSealed(d.Payload)).Payload;
        var toH3 = _fabric.Captured.Single(d => d.To == _hosts[2].Address && SealFormat.IsSealed(d.Payload)).Payload;
        Assert.NotEqual(toH2, toH3);
        Assert.True(Contains(_b.Received.First(), Marker) && Contains(_c.Received.First(), Marker));

        _fabric.Inject(H1.Address, _hosts[2].Address, toH2);
        _fabric.Inject(H1.Address, H2.Address, toH3);
        Assert.True(Eventually(() => _hosts[2].Vtep.Counters[DropReason.BadSeal] == 1 && H2.Vtep.Counters[DropReason.BadSeal] == 1));
        Assert.Single(_b.Received);
        Assert.Single(_c.Received);
    }

    [Fact]
    public void Continuous_traffic_across_a_key_rotation_loses_nothing()
    {
        const int total = 1500;
        var sender = new Thread(() =>
        {
            for (var seq = 0; seq < total; seq++)
            {
                var payload = new byte[8];
                BitConverter.TryWriteBytes(payload, seq);
                _a.Send(UdpWith(_a, _b, payload));
                if (seq % 10 == 0) Thread.Sleep(1);
            }
        });
        sender.Start();
        Assert.True(Eventually(() => SealedTo(H2).Count >= 100), "traffic flows with epoch 1 before the rotation");

        var next = SealKit.NewKey();
        foreach (var ring in _rings) ring.Install(2, next);   // 1. every member accepts epoch 2
        foreach (var ring in _rings) ring.Activate(2);        // 2. every member sends with it
        // Overlap: epoch-1 datagrams still in flight are accepted. The test waits until h2 has opened every datagram sent
        // before the first epoch-2 one (the agent waits a fixed overlap instead), so a loaded machine cannot make it flaky.
        Assert.True(Eventually(() => SealedTo(H2).Any(h => h.Epoch == 2)));
        var inFlight = SealedTo(H2).Count;
        Assert.True(Eventually(() => H2.Vtep.Counters.Snapshot().Opened >= inFlight));
        foreach (var ring in _rings) Assert.Equal(1, ring.RetireAllButSending()); // 3. epoch 1 erased
        sender.Join();

        Assert.True(Eventually(() => _b.Received.Count == total), $"received {_b.Received.Count} of {total}");
        var sequences = _b.Received.Select(f => BitConverter.ToInt32(f, f.Length - 8)).ToHashSet();
        Assert.Equal(total, sequences.Count);
        Assert.Equal(new HashSet<uint> { 1, 2 }, SealedTo(H2).Select(h => h.Epoch).ToHashSet());
        Assert.Equal(0, H2.Vtep.Counters.Snapshot().TotalDrops);
        Assert.True(_a.Ping(_b.Ip, 9), "ping after the rotation");
    }

    [Fact]
    public void A_host_without_the_key_cannot_decrypt_the_network()
    {
        // h3 takes part in the VNI's forwarding but never received the key: first no key at all, then a wrong one.
        var h3 = _hosts[2];
        var outsider = _kit.Ring(99);
        h3.Vtep.SetEncryption(SecureNet, outsider);
        var broadcast = UdpWith(_a, _b, Marker);
        new EthernetHeader(MacAddress.Broadcast, _a.Mac, EtherType.IPv4).Write(broadcast);

        _a.Send(broadcast);
        Assert.True(Eventually(() => h3.Vtep.Counters[DropReason.UnknownKey] == 1 && _b.Received.Count == 1));

        outsider.Install(1, SealKit.NewKey());
        _a.Send(broadcast);
        Assert.True(Eventually(() => h3.Vtep.Counters[DropReason.BadSeal] == 1 && _b.Received.Count == 2));
        Assert.Empty(_c.Received);
    }

    [Fact]
    public void An_encrypted_network_without_an_active_key_sends_nothing_at_all()
    {
        var keyless = _kit.Ring(0x0a0a0a0a);
        H1.Vtep.SetEncryption(SecureNet, keyless);
        var before = _fabric.Captured.Count;

        _a.Send(UdpWith(_a, _b, Marker));
        var broadcast = UdpWith(_a, _b, Marker);
        new EthernetHeader(MacAddress.Broadcast, _a.Mac, EtherType.IPv4).Write(broadcast);
        _a.Send(broadcast);

        Assert.True(Eventually(() => H1.Vtep.Counters[DropReason.NoKey] == 2));
        Assert.Equal(before, _fabric.Captured.Count);
    }

    [Fact]
    public void A_sealed_datagram_on_a_vni_that_is_plain_here_is_dropped_as_unknown_key_not_delivered_as_garbage()
    {
        Assert.True(H2.Vtep.ClearEncryption(SecureNet));
        Assert.False(H2.Vtep.TryGetEncryption(SecureNet, out _));
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => H2.Vtep.Counters[DropReason.UnknownKey] == 1));
        Assert.Empty(_b.Received);

        H2.Vtep.SetEncryption(SecureNet, _rings[1]);
        Assert.True(H2.Vtep.TryGetEncryption(SecureNet, out var ring) && ring == _rings[1]);
        _a.Send(UdpWith(_a, _b, Marker));
        Assert.True(Eventually(() => _b.Received.Count(f => Contains(f, Marker)) == 1));
    }

    [Fact]
    public void Random_bytes_to_an_encrypted_vni_never_throw_and_never_deliver()
    {
        using var underlay = new VirtualFabric().Connect("198.51.100.50");
        using var vtep = new Vtep(underlay);
        using var device = new FakeFrameDevice();
        var ring = _kit.Ring(0x32000001, _key);
        vtep.AttachNetwork(SecureNet, device, ring);
        var peer = PeerEndpoint.Parse("198.51.100.1", 4789);
        vtep.Table.AddPeer(SecureNet, peer);
        var genuine = new PacketBuffer(4096);
        genuine.Load(UdpWith(_a, _b, Marker));
        PacketSealer.TrySeal(genuine, SecureNet, _rings[0], underlay.LocalEndpoint, out _);
        var sealedDatagram = genuine.Data.ToArray();
        var count = 0;

        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[0, 3], Gen.Int[0, 10_000], Gen.Byte[1, 255]).Sample((bytes, mode, position, flip) =>
        {
            byte[] datagram;
            if (mode == 3)
            {
                datagram = (byte[])sealedDatagram.Clone();                          // genuine seal, one byte changed
                datagram[position % datagram.Length] ^= flip;
            }
            else
            {
                datagram = new byte[Math.Max(bytes.Length, mode == 0 ? 0 : 24)];
                bytes.CopyTo(datagram, 0);
                if (mode >= 1) new VxlanHeader(SecureNet).Write(datagram);         // right VNI, I flag
                if (mode >= 1) datagram[0] |= SealFormat.FlagSealed;                // claims to be sealed
                if (mode == 2) new SealHeader(1, 0x0a000001, (ulong)position).Write(datagram.AsSpan(VxlanHeader.Size)); // known epoch
            }
            var buffer = new PacketBuffer(4096);
            buffer.Load(datagram);
            buffer.Peer = peer;
            vtep.ProcessFromUnderlay(new[] { buffer }, new PacketBuffer[1]); // CsCheck samples on several threads
            Interlocked.Increment(ref count);
        }, iter: 2000);

        Assert.Empty(device.Written);
        Assert.Equal(count, vtep.Counters.Snapshot().TotalDrops);
        Assert.Equal(0, vtep.Counters.Snapshot().Decapsulated);
    }
}
