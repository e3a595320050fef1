using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Forwarding;

public sealed class LearnedMacsTests
{
    private static readonly PeerEndpoint External1 = PeerEndpoint.Parse("198.51.100.50", 40000);
    private static readonly PeerEndpoint External2 = PeerEndpoint.Parse("198.51.100.51", 40001);
    private long _now = 1_000_000;

    private LearnedMacs NewTable() => new(() => _now);

    private static MacAddress Mac(int i) => MacAddress.Parse($"02:00:00:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}");

    [Fact]
    public void A_learned_mac_is_kept_by_address_without_the_senders_source_port()
    {
        var table = NewTable();
        Assert.True(table.Learn(7, Mac(1), External1));
        Assert.True(table.TryGet(7, Mac(1), out var vtep));
        Assert.True(vtep.SameAddress(External1));
        Assert.Equal(0, vtep.Port);
        Assert.False(table.TryGet(8, Mac(1), out _)); // per VNI
    }

    [Fact]
    public void A_mac_that_moves_follows_the_vtep_it_was_last_seen_behind()
    {
        var table = NewTable();
        table.Learn(7, Mac(1), External1);
        table.Learn(7, Mac(1), External2);
        Assert.True(table.TryGet(7, Mac(1), out var vtep) && vtep.SameAddress(External2));
        Assert.Equal(1, table.Count(7));
    }

    [Fact]
    public void Entries_age_out_after_300_seconds_without_a_frame_and_a_frame_refreshes_them()
    {
        var table = NewTable();
        table.Learn(7, Mac(1), External1);
        table.Learn(7, Mac(2), External1);
        _now += 200_000;
        table.Learn(7, Mac(2), External1); // seen again
        _now += 150_000;                   // Mac(1): 350 s old, Mac(2): 150 s
        Assert.False(table.TryGet(7, Mac(1), out _));
        Assert.True(table.TryGet(7, Mac(2), out _));
        Assert.Equal(1, table.Count(7));
    }

    [Fact]
    public void At_most_4096_per_vni_new_ones_refused_and_counted_until_old_ones_age_out()
    {
        var table = NewTable();
        for (var i = 0; i < LearnedMacs.Capacity; i++) Assert.True(table.Learn(7, Mac(i), External1));
        Assert.False(table.Learn(7, Mac(LearnedMacs.Capacity), External1));
        Assert.Equal(1, table.Refused);
        Assert.Equal(LearnedMacs.Capacity, table.Count(7));
        Assert.True(table.Learn(8, Mac(LearnedMacs.Capacity), External1)); // another VNI has its own bound
        Assert.True(table.Learn(7, Mac(5), External1));                    // a known one is refreshed, not refused

        _now += (long)LearnedMacs.MaxAge.TotalMilliseconds;
        Assert.True(table.Learn(7, Mac(LearnedMacs.Capacity), External1)); // the aged ones made room
        Assert.Equal(1, table.Count(7));
    }

    [Fact]
    public void Forgetting_a_peer_or_a_vni_drops_what_was_learned_there_only()
    {
        var table = NewTable();
        table.Learn(7, Mac(1), External1);
        table.Learn(7, Mac(2), External2);
        table.Learn(8, Mac(3), External1);

        table.ForgetPeer(7, External1);
        Assert.False(table.TryGet(7, Mac(1), out _));
        Assert.True(table.TryGet(7, Mac(2), out _));
        Assert.True(table.TryGet(8, Mac(3), out _));

        table.ForgetVni(8);
        Assert.Equal(0, table.Count(8));
    }
}
