using Weft.DataPlane.Counters;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;
using static Weft.DataPlane.Tests.Fakes.DirectVtep;

namespace Weft.DataPlane.Tests;

/// <summary>
/// Outbound drops on a plain (unencrypted) VNI that a well-behaved device never causes, so the multi-host fakes cannot
/// reach them: a frame too short to be Ethernet (InvalidLocalFrame) and a frame handed over without room in front for the
/// VXLAN header (NoHeadroom, e.g. a device that reads into a buffer made without headroom). The VTEP is driven directly
/// with one batch per call, as its device reader does; every drop is counted once, nothing is sent, and the next good
/// frame still goes.
/// </summary>
public sealed class VtepOutboundDropTests : IDisposable
{
    private readonly DirectVtep _host = new(); // not started: the test thread is the reader
    private readonly OutboundScratch _scratch = new(4);

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Frames_too_short_for_ethernet_are_dropped_as_invalid_local_frames()
    {
        var empty = Buffer([]);
        var shortFrame = Buffer(ToB()[..(EthernetHeader.Size - 1)]);

        Process(empty, shortFrame);

        Assert.Equal(2, _host.Vtep.Counters[DropReason.InvalidLocalFrame]);
        AssertOnlyDrops(2);
        AssertStillForwards();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(VxlanHeader.Size - 1)]
    public void A_unicast_frame_without_room_for_the_vxlan_header_is_dropped_as_no_headroom(int headroom)
    {
        var frame = Buffer(ToB(), headroom);

        Process(frame);

        Assert.Equal(1, _host.Vtep.Counters[DropReason.NoHeadroom]);
        AssertOnlyDrops(1);
        Assert.Equal(headroom, frame.Offset); // nothing was written in front of the frame
        AssertStillForwards();
    }

    [Fact]
    public void Exactly_the_vxlan_header_of_headroom_is_enough()
    {
        var frame = Buffer(ToB(), VxlanHeader.Size);

        Process(frame);

        Assert.Equal(1, _host.Underlay.Datagrams);
        Assert.Equal(0, frame.Offset);
        Assert.True(VxlanHeader.TryRead(frame.Data, out var vxlan));
        Assert.Equal(Vni, vxlan.Vni);
        Assert.Equal(0, _host.Vtep.Counters.Snapshot().TotalDrops);
    }

    [Fact]
    public void A_broadcast_without_headroom_is_dropped_once_and_no_copy_goes_to_any_peer()
    {
        var broadcast = Frames.Udp(MacAddress.FromIPv4(A), MacAddress.Broadcast, A, IPv4Address.Parse("10.0.0.255"), 5000, 5001, 20);

        Process(Buffer(broadcast, 0));

        Assert.Equal(1, _host.Vtep.Counters[DropReason.NoHeadroom]);
        AssertOnlyDrops(1);
        Assert.Equal(0, _host.Vtep.Counters.Snapshot().FloodedCopies);
        AssertStillForwards();
    }

    private static byte[] ToB() =>
        Frames.IcmpEcho(MacAddress.FromIPv4(A), MacAddress.FromIPv4(B), A, B, IcmpEcho.TypeEchoRequest, 1, 1);

    private static PacketBuffer Buffer(byte[] frame, int headroom = PacketBuffer.DefaultHeadroom)
    {
        var buffer = new PacketBuffer(4096, headroom);
        buffer.Load(frame);
        return buffer;
    }

    private void Process(params PacketBuffer[] frames) => _host.Vtep.ProcessFromDevice(Vni, _host.Device, frames, _scratch);

    /// <summary>Exactly <paramref name="count"/> drops so far, and nothing sent, encapsulated or answered.</summary>
    private void AssertOnlyDrops(int count)
    {
        var snapshot = _host.Vtep.Counters.Snapshot();
        Assert.Equal(count, snapshot.TotalDrops);
        Assert.Equal(0, snapshot.Encapsulated);
        Assert.Equal(0, _host.Underlay.Datagrams);
        Assert.Equal(0, _host.Device.Frames);
    }

    /// <summary>The next well-formed frame (with the default headroom) is encapsulated and sent to B's VTEP.</summary>
    private void AssertStillForwards()
    {
        Process(Buffer(ToB()));
        Assert.Equal(1, _host.Underlay.Datagrams);
        Assert.Equal(PeerOfB, _host.Underlay.Last.To);
        Assert.Equal(1, _host.Vtep.Counters.Snapshot().Encapsulated);
    }
}
