using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;
using Weft.DataPlane.Tests.Offload;
using Weft.Wire;
using static Weft.DataPlane.Tests.Fakes.DirectVtep;

namespace Weft.DataPlane.Tests;

/// <summary>
/// "No allocation per packet" (issue 2): the plain-VNI paths of a <see cref="Vtep"/> driven directly (as the benchmarks
/// do, with seams that only count), measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> after a warm-up.
/// Each loop also asserts the work really happened (sent, delivered, answered), so a path that silently dropped could not pass.
/// </summary>
public sealed class VtepAllocationTests : IDisposable
{
    private const int Rounds = 10_000;

    private readonly DirectVtep _host = new(); // not started: the test thread is the reader
    private readonly PacketBuffer[] _one = [new(4096)];
    private readonly PacketBuffer[] _scratch = new PacketBuffer[1];
    private readonly OutboundScratch _outbound = new(1);

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Encapsulating_a_unicast_frame_allocates_nothing()
    {
        _one[0].Load(TcpFrames.Make(false, 1, 0x18, TcpFrames.Payload(1450 - 66)));
        var sent = AllocatedBytes(() =>
        {
            _host.Vtep.ProcessFromDevice(Vni, _host.Device, _one, _outbound);
            _one[0].TryTrimFront(VxlanHeader.Size);
        }, () => _host.Underlay.Datagrams);
        Assert.Equal(PeerOfB, _host.Underlay.Last.To);
        Assert.Equal(0, _host.Vtep.Counters.Snapshot().TotalDrops);
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
            buffer.Peer = PeerOfB.WithPort(50000);
            _host.Vtep.ProcessFromUnderlay(_one, _scratch);
        }, () => _host.Device.Frames);
        Assert.Equal(0, _host.Vtep.Counters.Snapshot().TotalDrops);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Flooding_a_broadcast_to_everyPeerOfB_allocates_nothing()
    {
        var broadcast = Frames.Udp(MacAddress.FromIPv4(A), MacAddress.Broadcast, A, IPv4Address.Parse("10.0.0.255"), 5000, 5001, 200);
        _one[0].Load(broadcast);
        var bytes = AllocatedBytes(() =>
        {
            _host.Vtep.ProcessFromDevice(Vni, _host.Device, _one, _outbound);
            _one[0].TryTrimFront(VxlanHeader.Size);
        }, () => _host.Underlay.Datagrams / 2); // two peers: two datagrams per round
        Assert.Equal(_host.Underlay.Datagrams, _host.Vtep.Counters.Snapshot().FloodedCopies);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Answering_arp_for_a_remote_endpoint_allocates_nothing()
    {
        var request = Frames.ArpRequest(MacAddress.FromIPv4(A), A, B);
        var bytes = AllocatedBytes(() =>
        {
            _one[0].Load(request); // the answer is written over the request
            _host.Vtep.ProcessFromDevice(Vni, _host.Device, _one, _outbound);
        }, () => _host.Device.Frames);
        Assert.Equal(_host.Device.Frames, _host.Vtep.Counters.Snapshot().ArpAnswered);
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
