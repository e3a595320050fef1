using Weft.DataPlane.Seams;

namespace Weft.DataPlane.Tests.Seams;

public class PacketBufferTests
{
    [Fact]
    public void Prepend_writes_in_front_of_the_data_without_moving_it()
    {
        var buffer = new PacketBuffer(capacity: 256, headroom: 64);
        buffer.Load(new byte[] { 1, 2, 3 });
        Assert.True(buffer.TryPrepend(8, out var front));
        front.Fill(9);
        Assert.Equal(11, buffer.Length);
        Assert.Equal(new byte[] { 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3 }, buffer.Data.ToArray());
        Assert.True(buffer.TryTrimFront(8));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.Data.ToArray());
    }

    [Fact]
    public void Prepend_beyond_headroom_fails_and_changes_nothing()
    {
        var buffer = new PacketBuffer(capacity: 64, headroom: 4);
        buffer.Load(new byte[] { 1 });
        Assert.False(buffer.TryPrepend(5, out _));
        Assert.Equal(1, buffer.Length);
    }

    [Fact]
    public void PeerEndpoint_round_trips_ipv4_and_ipv6()
    {
        var v4 = PeerEndpoint.Parse("198.51.100.7", 4789);
        Assert.True(v4.IsIPv4);
        Assert.Equal("198.51.100.7:4789", v4.ToString());
        var v6 = PeerEndpoint.Parse("2001:db8::1", 4789);
        Assert.False(v6.IsIPv4);
        Assert.Equal("[2001:db8::1]:4789", v6.ToString());
        Assert.NotEqual(v4, v6);
        Assert.True(v4.SameAddress(PeerEndpoint.Parse("198.51.100.7", 1234)));
    }
}
