using System.Net;
using System.Net.NetworkInformation;
using Weft.Linux.Netlink;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Netlink;

public sealed class RtNetlinkNeighbourTests : IDisposable
{
    private static readonly PhysicalAddress MacA = PhysicalAddress.Parse("02-42-0a-00-00-02");
    private static readonly PhysicalAddress MacB = PhysicalAddress.Parse("02-42-0a-00-00-03");
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip")]
    public void Neighbour_entries_are_added_replaced_listed_and_deleted()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("n0", "n1");
        var ip = IPAddress.Parse("10.0.0.2");

        nl.AddNeighbour("n0", ip, MacA);
        var added = Neighbours(a, "n0").Single(n => n.Str("dst") == "10.0.0.2");
        Assert.Equal("02:42:0a:00:00:02", added.Str("lladdr"));
        Assert.Contains("PERMANENT", added.GetProperty("state").EnumerateArray().Select(s => s.GetString()));

        nl.ReplaceNeighbour("n0", ip, MacB);
        var replaced = Neighbours(a, "n0").Where(n => n.Str("dst") == "10.0.0.2").ToList();
        Assert.Single(replaced);
        Assert.Equal("02:42:0a:00:00:03", replaced[0].Str("lladdr"));
        var listed = nl.ListNeighbours("n0").Single(n => n.Address.Equals(ip));
        Assert.Equal(MacB, listed.Mac);
        Assert.True(listed.IsPermanent);

        nl.ReplaceNeighbour("n0", IPAddress.Parse("fd00::2"), MacA); // replace also creates
        Assert.Contains(Neighbours(a, "n0"), n => n.Str("dst") == "fd00::2");

        nl.DeleteNeighbour("n0", ip);
        Assert.DoesNotContain(Neighbours(a, "n0"), n => n.Str("dst") == "10.0.0.2");
    }

    [RootFact("ip")]
    public void Adding_an_existing_neighbour_or_deleting_a_missing_one_fails_naming_it()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("n0", "n1");
        nl.AddNeighbour("n0", IPAddress.Parse("10.0.0.2"), MacA);

        var twice = Assert.Throws<LinuxException>(() => nl.AddNeighbour("n0", IPAddress.Parse("10.0.0.2"), MacB));
        Assert.Equal(Errno.EEXIST, twice.ErrorNumber);
        Assert.Contains("neighbour 10.0.0.2", twice.Message);
        Assert.Equal("02:42:0a:00:00:02", Neighbours(a, "n0").Single(n => n.Str("dst") == "10.0.0.2").Str("lladdr"));

        var missing = Assert.Throws<LinuxException>(() => nl.DeleteNeighbour("n0", IPAddress.Parse("10.0.0.9")));
        Assert.Equal(Errno.ENOENT, missing.ErrorNumber);
        Assert.Contains("neighbour 10.0.0.9 on 'n0'", missing.Message);
    }

    [RootFact("ip", "bridge")]
    public void Vxlan_fdb_entries_are_replaced_not_duplicated_and_dumped_back()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVxlan("vx7", new VxlanOptions(7));

        nl.AddFdb("vx7", MacA, FdbTarget.Self, IPAddress.Parse("198.51.100.2"));
        nl.ReplaceFdb("vx7", MacA, FdbTarget.Self, IPAddress.Parse("198.51.100.3")); // the MAC moved to another VTEP

        var entries = Fdb(a, "vx7").Where(e => e.Str("mac") == "02:42:0a:00:00:02").ToList();
        Assert.Single(entries);
        Assert.Equal("198.51.100.3", entries[0].Str("dst"));
        var ours = nl.ListFdb("vx7").Single(e => e.Mac.Equals(MacA));
        Assert.Equal(IPAddress.Parse("198.51.100.3"), ours.Destination);
        Assert.True(ours.IsSelf);

        var flood = PhysicalAddress.Parse("00-00-00-00-00-00");
        nl.AppendFdb("vx7", flood, IPAddress.Parse("198.51.100.2"));
        nl.AppendFdb("vx7", flood, IPAddress.Parse("198.51.100.4"));
        var floodDsts = Fdb(a, "vx7").Where(e => e.Str("mac") == "00:00:00:00:00:00").Select(e => e.Str("dst")).Order().ToList();
        Assert.Equal(["198.51.100.2", "198.51.100.4"], floodDsts);

        nl.DeleteFdb("vx7", MacA, FdbTarget.Self);
        Assert.DoesNotContain(Fdb(a, "vx7"), e => e.Str("mac") == "02:42:0a:00:00:02");
        var missing = Assert.Throws<LinuxException>(() => nl.DeleteFdb("vx7", MacA, FdbTarget.Self));
        Assert.Equal(Errno.ENOENT, missing.ErrorNumber);
        Assert.Contains("fdb entry 02:42:0a:00:00:02 on 'vx7'", missing.Message);
        Assert.Equal(Errno.EEXIST, Assert.Throws<LinuxException>(() => nl.AddFdb("vx7", flood, FdbTarget.Self, IPAddress.Parse("198.51.100.2"))).ErrorNumber);
    }

    [RootFact("ip", "bridge")]
    public void Bridge_port_static_entries_go_to_the_masters_table()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateBridge("br0");
        nl.CreateVeth("bp0", "bp1");
        nl.SetMaster("bp0", "br0");

        nl.ReplaceFdb("bp0", MacA, FdbTarget.Master);

        var entry = Fdb(a, "bp0").Single(e => e.Str("mac") == "02:42:0a:00:00:02");
        Assert.Equal("br0", entry.Str("master"));
        Assert.Equal("static", entry.Str("state"));
        var ours = nl.ListFdb("bp0").Single(e => e.Mac.Equals(MacA));
        Assert.Equal(nl.GetLink("br0").Index, ours.MasterIndex);

        nl.DeleteFdb("bp0", MacA, FdbTarget.Master);
        Assert.DoesNotContain(Fdb(a, "bp0"), e => e.Str("mac") == "02:42:0a:00:00:02");
    }

    [RootFact("ip", "bridge")]
    public void A_stale_bridge_port_entry_is_replaced_by_one_on_the_new_port_never_duplicated()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateBridge("br0");
        nl.CreateVeth("bp0", "bp1");
        nl.CreateVeth("bp2", "bp3");
        nl.SetMaster("bp0", "br0");
        nl.SetMaster("bp2", "br0");
        foreach (var link in new[] { "br0", "bp0", "bp1", "bp2", "bp3" }) nl.SetUp(link);
        // Only a forwarding port takes a dynamic entry (EPERM otherwise), and the bridge moves a port to forwarding after
        // its carrier comes up, not at once: on a busy machine the add below raced it. Wait until iproute2 reports it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Tool.Run("bridge", "-n", a, "-j", "link", "show", "dev", "bp0").StdOut.Contains("\"state\":\"forwarding\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "bp0 did not become a forwarding bridge port within 10 s");
            Thread.Sleep(20);
        }
        // The stale entry, made by iproute2 (independent of Weft): the MAC was last seen, dynamically, behind bp0.
        Tool.Run("bridge", "-n", a, "fdb", "add", "02:42:0a:00:00:02", "dev", "bp0", "master", "dynamic").EnsureSuccess("bridge fdb add dynamic");
        var stale = Assert.Single(AllFdb(a), e => e.Str("mac") == "02:42:0a:00:00:02");
        Assert.Equal("bp0", stale.Str("ifname"));
        Assert.Equal("", stale.Str("state")); // dynamic: bridge -j prints an empty state

        nl.ReplaceFdb("bp2", MacA, FdbTarget.Master); // the MAC moved to the other port

        var entries = AllFdb(a).Where(e => e.Str("mac") == "02:42:0a:00:00:02").ToList();
        var entry = Assert.Single(entries);
        Assert.Equal("bp2", entry.Str("ifname"));
        Assert.Equal("static", entry.Str("state"));
        Assert.Equal("br0", entry.Str("master"));
        Assert.DoesNotContain(Fdb(a, "bp0"), e => e.Str("mac") == "02:42:0a:00:00:02");
        var ours = Assert.Single(nl.ListFdb(), e => e.Mac.Equals(MacA));
        Assert.Equal(nl.GetLink("bp2").Index, ours.Index);
        Assert.Equal(nl.GetLink("br0").Index, ours.MasterIndex);
        Assert.Equal(0x40, ours.State & 0x40); // NUD_NOARP: static

        nl.ReplaceFdb("bp2", MacA, FdbTarget.Master); // replacing with the same entry changes nothing
        Assert.Single(AllFdb(a), e => e.Str("mac") == "02:42:0a:00:00:02");
    }

    private static List<System.Text.Json.JsonElement> Neighbours(string ns, string dev) =>
        Ip.Json(ns, "neigh", "show", "dev", dev).EnumerateArray().ToList();

    private static List<System.Text.Json.JsonElement> Fdb(string ns, string dev) =>
        Ip.Bridge(ns, "fdb", "show", "dev", dev).EnumerateArray().ToList();

    private static List<System.Text.Json.JsonElement> AllFdb(string ns) =>
        Ip.Bridge(ns, "fdb", "show").EnumerateArray().ToList();
}
