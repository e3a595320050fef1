using Weft.DataPlane.Probing;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Probing;

public sealed class ProbeFrameTests
{
    [Fact]
    public void A_written_probe_reads_back_and_its_reply_keeps_the_id_and_length()
    {
        var frame = new byte[1514];
        ProbeFrame.Write(frame, ProbeKind.Request, 0xDEADBEEF, 1514);
        Assert.True(EthernetHeader.TryRead(frame, out var eth));
        Assert.Equal(ProbeFrame.EtherType, eth.EtherType);
        Assert.False(eth.Source.IsMulticast || eth.Source.IsZero);
        Assert.True(ProbeFrame.TryRead(frame, out var kind, out var id));
        Assert.Equal((ProbeKind.Request, 0xDEADBEEFu), (kind, id));
        ProbeFrame.MakeReply(frame);
        Assert.True(ProbeFrame.TryRead(frame, out kind, out id));
        Assert.Equal((ProbeKind.Reply, 0xDEADBEEFu), (kind, id));
    }

    [Fact]
    public void Sizes_outside_the_frame_or_below_the_minimum_are_refused()
    {
        var frame = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeFrame.Write(frame, ProbeKind.Request, 1, ProbeFrame.MinLength - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeFrame.Write(frame, ProbeKind.Request, 1, 101));
    }

    [Fact]
    public void Ordinary_frames_and_damaged_probes_are_not_probes()
    {
        var probe = new byte[64];
        ProbeFrame.Write(probe, ProbeKind.Request, 7, 64);
        foreach (var (offset, value) in new[] { (12, (byte)0x08), (14, (byte)'X'), (22, (byte)3), (22, (byte)0) })
        {
            var damaged = (byte[])probe.Clone();
            damaged[offset] = value;
            Assert.False(ProbeFrame.TryRead(damaged, out _, out _), $"byte {offset} = {value}");
        }
        Assert.False(ProbeFrame.TryRead(probe.AsSpan(0, ProbeFrame.HeaderLength - 1), out _, out _));
    }

    [Fact]
    public void Arbitrary_bytes_never_throw() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            ProbeFrame.TryRead(bytes, out _, out _);
        });
}
