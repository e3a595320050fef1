using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;
using Weft.DataPlane.Tests.Offload;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>
/// "No allocation per packet" (issue 2): the plain-VNI paths of a <see cref="Vtep"/> driven directly (as the benchmarks
/// do, with seams that only count), measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> after a warm-up.
/// Each loop also asserts the work really happened (sent, delivered, answered), so a path that silently dropped could not pass.
/// </summary>
public sealed class VtepAllocationTests : IDisposable
{
    private const uint Vni = 4096;
    private const int Rounds = 10_000;
    private static readonly IPv4Address A = IPv4Address.Parse("10.0.0.2");
    private static readonly IPv4Address B = IPv4Address.Parse("10.0.0.3");

    private readonly CountingUnderlay _underlay = new();
    private readonly CountingFrameDevice _device = new();
    private readonly Vtep _vtep;
    private readonly PeerEndpoint _peer = PeerEndpoint.Parse("198.51.100.2", 4789);
    private readonly PacketBuffer[] _one = [new(4096)];
    private readonly PacketBuffer[] _scratch = new PacketBuffer[1];
    private readonly OutboundScratch _outbound = new(1);

    public VtepAllocationTests()
    {
        _vtep = new Vtep(_underlay); // not started: the test thread is the reader
        _vtep.AttachNetwork(Vni, _device);
        _vtep.Table.SetEndpoint(Vni, MacAddress.FromIPv4(B), B, _peer);
        _vtep.Table.AddPeer(Vni, PeerEndpoint.Parse("198.51.100.3", 4789));
    }

    public void Dispose() => _vtep.Dispose();

    [Fact]
    public void Encapsulating_a_unicast_frame_allocates_nothing()
    {
        _one[0].Load(TcpFrames.Make(false, 1, 0x18, TcpFrames.Payload(1450 - 66)));
        var sent = AllocatedBytes(() =>
        {
            _vtep.ProcessFromDevice(Vni, _device, _one, _outbound);
            _one[0].TryTrimFront(VxlanHeader.Size);
        }, () => _underlay.Datagrams);
        Assert.Equal(_peer, _underlay.Last.To);
        Assert.Equal(0, _vtep.Counters.Snapshot().TotalDrops);
        Assert.Equal(0, sent);
    }

    [Fact]
    public void Decapsulating_a_datagram_allocates_nothing()
    {
        _one[0].Load(TcpFrames.Make(false, 1, 0x18, TcpFrames.Payload(1450 - 66)));
        var bytes = AllocatedBytes(() =>
        {
            var buffer = _one[0];
            buffer.TryPrepend(VxlanHeader.Size, out var header);
            new VxlanHeader(Vni).Write(header);
            buffer.Peer = _peer.WithPort(50000);
            _vtep.ProcessFromUnderlay(_one, _scratch);
        }, () => _device.Frames);
        Assert.Equal(0, _vtep.Counters.Snapshot().TotalDrops);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Flooding_a_broadcast_to_every_peer_allocates_nothing()
    {
        var broadcast = Frames.Udp(MacAddress.FromIPv4(A), MacAddress.Broadcast, A, IPv4Address.Parse("10.0.0.255"), 5000, 5001, 200);
        _one[0].Load(broadcast);
        var bytes = AllocatedBytes(() =>
        {
            _vtep.ProcessFromDevice(Vni, _device, _one, _outbound);
            _one[0].TryTrimFront(VxlanHeader.Size);
        }, () => _underlay.Datagrams / 2); // two peers: two datagrams per round
        Assert.Equal(_underlay.Datagrams, _vtep.Counters.Snapshot().FloodedCopies);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Answering_arp_for_a_remote_endpoint_allocates_nothing()
    {
        var request = Frames.ArpRequest(MacAddress.FromIPv4(A), A, B);
        var bytes = AllocatedBytes(() =>
        {
            _one[0].Load(request); // the answer is written over the request
            _vtep.ProcessFromDevice(Vni, _device, _one, _outbound);
        }, () => _device.Frames);
        Assert.Equal(_device.Frames, _vtep.Counters.Snapshot().ArpAnswered);
        Assert.Equal(0, bytes);
    }

    /// <summary>
    /// Runs <paramref name="round"/> for a warm-up, then <see cref="Rounds"/> times measured; asserts that each round did
    /// one unit of <paramref name="work"/> and returns the bytes allocated by the measured rounds.
    /// </summary>
    private static long AllocatedBytes(Action round, Func<long> work)
    {
        for (var i = 0; i < 1_000; i++) round();
        var before = work();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++) round();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Equal(Rounds, work() - before);
        return allocated;
    }
}
