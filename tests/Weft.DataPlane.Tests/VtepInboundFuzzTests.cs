using CsCheck;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>
/// Admission on a plain VNI under arbitrary input: random bytes, random bytes behind a plausible VXLAN header, and
/// mutations (byte changes, truncation, extension) of a valid datagram, in batches, from a known peer or a stranger.
/// <see cref="Vtep.ProcessFromUnderlay"/> never throws, and every datagram is either delivered (exactly its inner frame)
/// or dropped and counted under one reason.
/// </summary>
public sealed class VtepInboundFuzzTests : IDisposable
{
    private const uint Vni = 4096;
    private static readonly IPv4Address A = IPv4Address.Parse("10.0.0.2");
    private static readonly IPv4Address B = IPv4Address.Parse("10.0.0.3");
    private static readonly PeerEndpoint Peer = PeerEndpoint.Parse("198.51.100.2", 4789);
    private static readonly PeerEndpoint Stranger = PeerEndpoint.Parse("198.51.100.77", 4789);

    /// <summary>VXLAN(4096) / Ethernet / IPv4 / ICMP echo from remote b to local a: delivered as is.</summary>
    private static readonly byte[] Valid = Vxlan(Vni, Frames.IcmpEcho(MacAddress.FromIPv4(B), MacAddress.FromIPv4(A), B, A, IcmpEcho.TypeEchoRequest, 7, 1));

    private readonly FakeFrameDevice _device = new();
    private readonly Vtep _vtep = new(new CountingUnderlay());
    private readonly PacketBuffer[] _batch = Enumerable.Range(0, 8).Select(_ => new PacketBuffer(2048)).ToArray();
    private readonly PacketBuffer[] _scratch = new PacketBuffer[8];
    private long _delivered;
    private long _dropped;

    public VtepInboundFuzzTests()
    {
        _vtep.AttachNetwork(Vni, _device); // not started: the test thread feeds the VTEP
        _vtep.Table.SetEndpoint(Vni, MacAddress.FromIPv4(B), B, Peer);
    }

    public void Dispose() => _vtep.Dispose();

    private static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 200];

    private static readonly Gen<byte[]> BehindAVxlanHeader =
        Gen.Select(Gen.OneOf(Vni, Vni + 1, 0u), Gen.Byte[0, 0xff], Gen.Byte.Array[0, 120], (vni, flags, rest) =>
            {
                var datagram = Vxlan(vni, rest);
                datagram[0] = flags; // I flag (0x08) set in about half, seal bit (0x80) in some
                return datagram;
            });

    private static readonly Gen<byte[]> Mutated =
        Gen.Select(Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Byte).Array[1, 4], Gen.Int[0, Valid.Length + 40], (changes, length) =>
            {
                var datagram = new byte[length];
                Valid.AsSpan(0, Math.Min(length, Valid.Length)).CopyTo(datagram);
                foreach (var (at, value) in changes)
                {
                    if (at < datagram.Length) datagram[at] = value;
                }
                return datagram;
            });

    private static readonly Gen<(byte[] Datagram, bool FromPeer)> Datagram =
        Gen.Select(Gen.Frequency<byte[]>((1, RandomBytes), (2, BehindAVxlanHeader), (4, Mutated), (1, Gen.Const(Valid))), Gen.Int[0, 9],
            (d, from) => (d, from != 0));

    [Fact]
    public void Arbitrary_datagrams_are_delivered_or_counted_as_drops_and_never_throw()
    {
        Datagram.Array[1, 8].Sample(Feed, iter: 5_000, threads: 1); // one VTEP and batch: one thread

        // The generators reach both outcomes and the deeper drop reasons, not only the first check.
        var drops = _vtep.Counters.Snapshot().Drops;
        Assert.True(_delivered > 100, $"only {_delivered} delivered");
        foreach (var reason in new[] { Counters.DropReason.Truncated, Counters.DropReason.NotVxlan, Counters.DropReason.UnknownVni,
                     Counters.DropReason.UnknownPeer, Counters.DropReason.InvalidInnerFrame, Counters.DropReason.UnknownKey })
        {
            Assert.True(drops[reason] > 0, $"no {reason} drop generated");
        }
        Assert.Equal(_dropped, _vtep.Counters.Snapshot().TotalDrops);
        Assert.Equal(_delivered, _vtep.Counters.Snapshot().Decapsulated);
    }

    [Fact]
    public void A_valid_datagram_from_the_peer_is_delivered_after_any_garbage_in_the_same_batch()
    {
        Gen.Select(Datagram.Array[0, 7], Gen.Int[0, 7]).Sample((garbage, at) =>
        {
            var batch = garbage.ToList();
            batch.Insert(Math.Min(at, batch.Count), (Valid, true));
            var deliveredBefore = _device.Written.Count;
            Feed([.. batch]);
            Assert.Contains(_device.Written.Skip(deliveredBefore), f => f.AsSpan().SequenceEqual(Valid.AsSpan(VxlanHeader.Size)));
        }, iter: 1_000, threads: 1);
    }

    /// <summary>One batch through the VTEP: drops + delivered grow by exactly the batch size; delivered frames are inner frames of the batch.</summary>
    private void Feed((byte[] Datagram, bool FromPeer)[] datagrams)
    {
        for (var i = 0; i < datagrams.Length; i++)
        {
            _batch[i].Load(datagrams[i].Datagram);
            _batch[i].Peer = (datagrams[i].FromPeer ? Peer : Stranger).WithPort(50000);
        }
        var dropsBefore = _vtep.Counters.Snapshot().TotalDrops;
        var writtenBefore = _device.Written.Count;

        _vtep.ProcessFromUnderlay(_batch.AsSpan(0, datagrams.Length), _scratch);

        var delivered = _device.Written.Skip(writtenBefore).ToList();
        var dropped = _vtep.Counters.Snapshot().TotalDrops - dropsBefore;
        Assert.Equal(datagrams.Length, delivered.Count + dropped);
        foreach (var frame in delivered)
        {
            Assert.Contains(datagrams, d => d.FromPeer && d.Datagram.Length > VxlanHeader.Size && d.Datagram.AsSpan(VxlanHeader.Size).SequenceEqual(frame));
        }
        _delivered += delivered.Count;
        _dropped += dropped;
    }

    private static byte[] Vxlan(uint vni, ReadOnlySpan<byte> inner)
    {
        var datagram = new byte[VxlanHeader.Size + inner.Length];
        new VxlanHeader(vni).Write(datagram);
        inner.CopyTo(datagram.AsSpan(VxlanHeader.Size));
        return datagram;
    }
}
