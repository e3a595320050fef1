using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using Weft.Linux.Netlink;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Netlink;

public sealed class RtNetlinkLinkTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip")]
    public void Veth_pair_is_created_in_one_namespace_and_deleted_with_both_ends()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);

        var created = nl.CreateVeth("va0", "va1");

        var observed = Ip.Link(a, "va0")!.Value;
        Assert.Equal("veth", observed.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal(created.Index, observed.GetProperty("ifindex").GetInt32());
        Assert.Equal("veth", Ip.Link(a, "va1")!.Value.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal("veth", created.Kind);

        nl.DeleteLink("va0");

        Assert.Null(Ip.Link(a, "va0"));
        Assert.Null(Ip.Link(a, "va1"));
    }

    [RootFact("ip")]
    public void Veth_peer_is_created_directly_in_another_namespace()
    {
        var a = _ns.Create("a");
        var b = _ns.Create("b");
        using var nl = RtNetlink.Open(a);

        nl.CreateVeth("vx0", "vy0", peerNamespace: b);

        Assert.NotNull(Ip.Link(a, "vx0"));
        Assert.Null(Ip.Link(a, "vy0"));
        Assert.Equal("veth", Ip.Link(b, "vy0")!.Value.GetProperty("linkinfo").Str("info_kind"));
    }

    [RootFact("ip")]
    public void Bridge_up_down_master_and_nomaster_are_what_ip_shows()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateBridge("br0");
        nl.CreateVeth("p0", "p1");

        nl.SetUp("br0");
        nl.SetMaster("p0", "br0");
        var bridge = Ip.Link(a, "br0")!.Value;
        Assert.Equal("bridge", bridge.GetProperty("linkinfo").Str("info_kind"));
        Assert.Contains("UP", bridge.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("br0", Ip.Link(a, "p0")!.Value.Str("master"));
        Assert.Equal(nl.GetLink("br0").Index, nl.GetLink("p0").MasterIndex);
        Assert.True(nl.GetLink("br0").IsAdminUp);

        nl.SetNoMaster("p0");
        nl.SetDown("br0");
        Assert.Null(Ip.Link(a, "p0")!.Value.Str("master"));
        Assert.DoesNotContain("UP", Ip.Link(a, "br0")!.Value.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(0, nl.GetLink("p0").MasterIndex);
        Assert.False(nl.GetLink("br0").IsAdminUp);
    }

    [RootFact("ip")]
    public void Both_ends_of_an_up_veth_report_oper_up()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("o0", "o1");
        nl.SetUp("o0");
        nl.SetUp("o1");
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (!nl.GetLink("o0").IsOperUp && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(nl.GetLink("o0").IsOperUp);
        Assert.Equal("UP", Ip.Link(a, "o0")!.Value.Str("operstate"));
    }

    [RootFact("ip")]
    public void Vxlan_is_created_with_id_port_local_learning_and_underlying_device()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("u0", "u1");
        nl.AddAddress("u0", IPAddress.Parse("198.51.100.7"), 24);

        nl.CreateVxlan("vx42", new VxlanOptions(42, 4790, IPAddress.Parse("198.51.100.7"), Learning: false, UnderlyingDevice: "u0"));

        var data = Ip.Link(a, "vx42")!.Value.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(42, data.GetProperty("id").GetInt32());
        Assert.Equal(4790, data.GetProperty("port").GetInt32());
        Assert.Equal("198.51.100.7", data.Str("local"));
        Assert.Equal("u0", data.Str("link"));
        Assert.False(data.GetProperty("learning").GetBoolean());
        Assert.Equal("vxlan", nl.GetLink("vx42").Kind);

        nl.CreateVxlan("vx43", new VxlanOptions(43, Learning: true));
        var learning = Ip.Link(a, "vx43")!.Value.GetProperty("linkinfo").GetProperty("info_data");
        Assert.True(learning.GetProperty("learning").GetBoolean());
        Assert.Equal(4789, learning.GetProperty("port").GetInt32());
    }

    [RootFact("ip")]
    public void Mtu_and_mac_changes_show_in_ip_and_in_the_dump()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("m0", "m1");
        var mac = PhysicalAddress.Parse("02-42-0a-00-00-07");

        nl.SetMtu("m0", 1450);
        nl.SetMac("m0", mac);

        var observed = Ip.Link(a, "m0")!.Value;
        Assert.Equal(1450, observed.GetProperty("mtu").GetInt32());
        Assert.Equal("02:42:0a:00:00:07", observed.Str("address"));
        var listed = nl.ListLinks().Single(l => l.Name == "m0");
        Assert.Equal(1450, listed.Mtu);
        Assert.Equal(mac, listed.Mac);
        Assert.Equal(observed.GetProperty("ifindex").GetInt32(), listed.Index);
    }

    [RootFact("ip")]
    public void List_matches_ip_link_names_and_indexes()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("l0", "l1");
        nl.CreateBridge("lbr");

        var ours = nl.ListLinks().Select(l => (l.Index, l.Name)).OrderBy(x => x.Index).ToList();
        var theirs = Ip.Json(a, "link", "show").EnumerateArray()
            .Select(l => (l.GetProperty("ifindex").GetInt32(), l.GetProperty("ifname").GetString()!)).OrderBy(x => x.Item1).ToList();
        Assert.Equal(theirs, ours);
    }

    [RootFact("ip")]
    public void A_link_moved_to_another_namespace_leaves_this_one()
    {
        var a = _ns.Create("a");
        var b = _ns.Create("b");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("mv0", "mv1");

        nl.MoveToNamespace("mv1", b);

        Assert.Null(Ip.Link(a, "mv1"));
        Assert.NotNull(Ip.Link(b, "mv1"));
        using var nlb = RtNetlink.Open(b);
        Assert.Equal("veth", nlb.GetLink("mv1").Kind);
    }

    [RootFact("ip")]
    public void A_name_longer_than_15_bytes_is_refused_naming_it_and_nothing_is_created()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);
        var before = Ip.LinkNames(a);

        var e = Assert.Throws<ArgumentException>(() => nl.CreateVeth("abcdefghijklmnop", "ok1"));
        Assert.Contains("'abcdefghijklmnop'", e.Message);
        Assert.Contains("15", e.Message);
        Assert.Throws<ArgumentException>(() => nl.CreateVeth("ok0", "abcdefghijklmnop"));
        Assert.Throws<ArgumentException>(() => nl.CreateBridge("bridge-name-too-long"));

        Assert.Equal(before, Ip.LinkNames(a));
    }

    [RootFact("ip")]
    public void Creating_an_existing_link_fails_with_EEXIST_naming_it_and_leaves_no_half_pair()
    {
        var a = _ns.Create("a");
        var b = _ns.Create("b");
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("e0", "e1");
        using (var nlb = RtNetlink.Open(b)) nlb.CreateBridge("taken");

        var e = Assert.Throws<LinuxException>(() => nl.CreateVeth("e0", "e2"));
        Assert.Equal(Errno.EEXIST, e.ErrorNumber);
        Assert.StartsWith("RTM_NEWLINK veth 'e0'", e.Message);
        Assert.Contains("EEXIST", e.Message);
        Assert.Null(Ip.Link(a, "e2"));

        // the peer's name is taken in the peer namespace: the whole pair is refused
        var peer = Assert.Throws<LinuxException>(() => nl.CreateVeth("fresh0", "taken", peerNamespace: b));
        Assert.Equal(Errno.EEXIST, peer.ErrorNumber);
        Assert.Contains("'taken'", peer.Message);
        Assert.Null(Ip.Link(a, "fresh0"));
        Assert.Equal("bridge", Ip.Link(b, "taken")!.Value.GetProperty("linkinfo").Str("info_kind"));
    }

    [RootFact("ip")]
    public void Deleting_or_changing_a_missing_link_fails_with_ENODEV_naming_it()
    {
        var a = _ns.Create("a");
        using var nl = RtNetlink.Open(a);

        var e = Assert.Throws<LinuxException>(() => nl.DeleteLink("nosuch0"));
        Assert.Equal(Errno.ENODEV, e.ErrorNumber);
        Assert.Contains("link 'nosuch0'", e.Message);
        Assert.Contains(a, e.Message);
        Assert.Equal(Errno.ENODEV, Assert.Throws<LinuxException>(() => nl.SetUp("nosuch0")).ErrorNumber);
        Assert.Equal(Errno.ENODEV, Assert.Throws<LinuxException>(() => nl.SetMaster("lo", "nosuchbr")).ErrorNumber);
        Assert.Null(nl.FindLink("nosuch0"));
    }

    [RootFact("ip")]
    public void A_namespace_that_vanished_is_named_in_the_error()
    {
        var a = _ns.Create("a");
        var gone = _ns.Create("gone");
        Weft.Linux.Namespaces.NetworkNamespace.Delete(gone);
        using var nl = RtNetlink.Open(a);
        nl.CreateVeth("g0", "g1");

        var open = Assert.Throws<LinuxException>(() => RtNetlink.Open(gone));
        Assert.Contains($"'{gone}'", open.Message);
        var move = Assert.Throws<LinuxException>(() => nl.MoveToNamespace("g1", gone));
        Assert.Contains($"'{gone}'", move.Message);
        var veth = Assert.Throws<LinuxException>(() => nl.CreateVeth("g2", "g3", peerNamespace: gone));
        Assert.Contains($"'{gone}'", veth.Message);
        Assert.Null(Ip.Link(a, "g2"));
        Assert.NotNull(Ip.Link(a, "g1"));
    }
}
