using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

/// <summary>
/// Frames the Linux kernel's vxlan device produced (Captures/kernel-vxlan-4242.pcap, made by
/// Captures/capture-kernel-vxlan.sh: A 198.51.100.1 / 10.42.42.1 pings B 198.51.100.2 / 10.42.42.2 three times, VNI 4242)
/// parse with Weft to the right VNI, addresses and checksums. Needs no root.
/// </summary>
public sealed class KernelVxlanPcapTests
{
    private static readonly VxlanEnd A = new(IPv4Address.Parse("198.51.100.1"), IPv4Address.Parse("10.42.42.1"), MacAddress.Parse("02:42:0a:2a:2a:01"));
    private static readonly VxlanEnd B = new(IPv4Address.Parse("198.51.100.2"), IPv4Address.Parse("10.42.42.2"), MacAddress.Parse("02:42:0a:2a:2a:02"));

    private static IReadOnlyList<byte[]> Frames() =>
        PcapReader.ReadFrames(Path.Combine(AppContext.BaseDirectory, "Captures", "kernel-vxlan-4242.pcap"));

    [Fact]
    public void Every_captured_frame_parses_as_vxlan_4242_between_the_two_ends()
    {
        var summary = KernelVxlanCapture.Check(Frames(), 4242, A, B);
        Assert.Equal(1, summary.ArpRequests);
        Assert.Equal(1, summary.ArpReplies);
        Assert.Equal(3, summary.EchoRequests);
        Assert.Equal(3, summary.EchoReplies);
        Assert.Equal(4, summary.IPv6);
    }

    [Fact]
    public void Outer_udp_checksum_on_the_veth_is_the_kernels_partial_pseudo_header_sum()
    {
        // On a veth the kernel leaves UDP checksums CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum,
        // which Weft's IPv4Header.PseudoHeaderSum must reproduce exactly (an independent check of it).
        var summary = KernelVxlanCapture.Check(Frames(), 4242, A, B);
        Assert.All(summary.UdpChecksums, c => Assert.Equal(OuterUdpChecksum.PartialPseudoHeader, c));
    }

    [Fact]
    public void Arp_request_and_reply_are_byte_for_byte_what_weft_writes()
    {
        var frames = Frames();
        var request = VxlanFrame.TryDecode(frames[0], out var why) ?? throw new Xunit.Sdk.XunitException(why);
        Assert.Equal(MacAddress.Parse("02:00:c6:33:64:01"), request.Outer.Source);
        Assert.Equal(MacAddress.Parse("02:00:c6:33:64:02"), request.Outer.Destination);
        Assert.Equal(78, request.OuterIp.TotalLength);
        Assert.Equal(58, request.Udp.Length);
        Assert.Equal(MacAddress.Broadcast, request.Inner.Destination);
        Assert.Equal(EtherType.Arp, request.Inner.EtherType);

        var expectedRequest = new ArpPacket(ArpPacket.OpRequest, A.DeviceMac, A.Overlay, default, B.Overlay);
        var written = new byte[ArpPacket.Size];
        expectedRequest.Write(written);
        Assert.Equal(written, request.InnerPayload.ToArray());

        var reply = VxlanFrame.TryDecode(frames[1], out why) ?? throw new Xunit.Sdk.XunitException(why);
        expectedRequest.ReplyFrom(B.DeviceMac).Write(written);
        Assert.Equal(written, reply.InnerPayload.ToArray());
    }
}
