using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>External VTEP peers of a network: from the "peers" option at create, and added or removed afterwards.</summary>
public sealed class NetworkServicePeersTests : ControlPlaneFixture
{
    private async Task AddHost(string name, string underlay) =>
        await Store.PutAsync(Keys.Node(name + "-id"), ModelJson.Serialize(new Node
        {
            Id = name + "-id", Name = name, UnderlayAddress = underlay, Role = NodeRole.Worker, State = NodeState.Ready, LastSeen = Clock.GetUtcNow(),
        }));

    private async Task<Network> Stored(string name) => await Plane.Networks.InspectAsync(name);

    [Fact]
    public async Task Create_stores_the_peers_normalised_and_keeps_the_option_in_step()
    {
        var created = await Create("n1", options: new() { ["peers"] = "192.0.2.10, 192.0.2.011,192.0.2.10" });
        var read = await Stored("n1");
        Assert.Equal(["192.0.2.10", "192.0.2.11"], read.ExternalPeers);
        Assert.Equal("192.0.2.10,192.0.2.11", read.Options["peers"]);
        Assert.Equal(created.ExternalPeers, read.ExternalPeers);
    }

    [Fact]
    public async Task An_encrypted_network_takes_no_external_peers_at_create_or_later()
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Create("n1", options: new() { ["peers"] = "192.0.2.10", ["encrypted"] = "" }));
        Assert.Equal(NetworkOptions.ExternalPeersNeedPlain, e.Message);
        Assert.Empty(await Plane.Networks.ListAsync());

        await Create("n2", options: new() { ["encrypted"] = "" });
        var later = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Networks.AddPeerAsync("n2", "192.0.2.10"));
        Assert.StartsWith("network n2 is encrypted: external VTEPs cannot be peers", later.Message);
        Assert.Empty((await Stored("n2")).ExternalPeers);
    }

    [Fact]
    public async Task A_network_without_peers_has_none_and_no_option() =>
        Assert.Equal((0, false), ((await Create("n1")).ExternalPeers.Count, (await Stored("n1")).Options.ContainsKey("peers")));

    [Fact]
    public async Task Create_refuses_a_cluster_hosts_underlay_address_and_claims_nothing()
    {
        await AddHost("h1", "198.51.100.1");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Create("n1", options: new() { ["peers"] = "192.0.2.10,198.51.100.1" }));
        Assert.Equal("peer 198.51.100.1 is the underlay address of cluster host h1: Weft hosts take part in a network by running its containers; name only VTEPs outside the cluster", e.Message);
        Assert.Empty(await Plane.Networks.ListAsync());
        Assert.Equal(4096, (await Create("n1")).Vni); // name, VNI and subnet were never held
    }

    [Fact]
    public async Task Add_appends_and_keeps_the_option_in_step()
    {
        await Create("n1", options: new() { ["peers"] = "198.51.100.50" });
        var added = await Plane.Networks.AddPeerAsync("n1", "198.51.100.51");
        Assert.Equal(["198.51.100.50", "198.51.100.51"], added.ExternalPeers);
        var read = await Stored("n1");
        Assert.Equal(["198.51.100.50", "198.51.100.51"], read.ExternalPeers);
        Assert.Equal("198.51.100.50,198.51.100.51", read.Options["peers"]);
    }

    [Fact]
    public async Task Adding_an_existing_peer_changes_nothing()
    {
        await Create("n1", options: new() { ["peers"] = "198.51.100.50" });
        var before = await Store.GetAsync(Keys.Network((await Stored("n1")).Id));
        var same = await Plane.Networks.AddPeerAsync("n1", "198.51.100.050");
        Assert.Equal(["198.51.100.50"], same.ExternalPeers);
        Assert.Equal(before!.ModRevision, (await Store.GetAsync(Keys.Network(same.Id)))!.ModRevision);
    }

    [Theory]
    [InlineData("x", "x is not an IPv4 address")]
    [InlineData("224.0.0.1", "224.0.0.1 is a multicast address")]
    [InlineData("127.0.0.1", "127.0.0.1 is a loopback address")]
    [InlineData("0.0.0.0", "0.0.0.0 is the unspecified address")]
    [InlineData("255.255.255.255", "255.255.255.255 is the broadcast address")]
    public async Task Add_and_remove_refuse_a_bad_address(string address, string problem)
    {
        await Create("n1");
        var message = $"invalid peer address: {problem}; give the IPv4 unicast address of a VTEP, like 192.0.2.10";
        Assert.Equal(message, (await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Networks.AddPeerAsync("n1", address))).Message);
        Assert.Equal(message, (await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Networks.RemovePeerAsync("n1", address))).Message);
    }

    [Fact]
    public async Task Add_refuses_a_cluster_hosts_underlay_address()
    {
        await Create("n1");
        await AddHost("h2", "198.51.100.2");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Networks.AddPeerAsync("n1", "198.51.100.2"));
        Assert.StartsWith("peer 198.51.100.2 is the underlay address of cluster host h2:", e.Message);
        Assert.Empty((await Stored("n1")).ExternalPeers);
    }

    [Fact]
    public async Task Add_to_a_missing_network_is_not_found() =>
        Assert.Equal("network nope not found: list networks with 'weft network ls'",
            (await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Networks.AddPeerAsync("nope", "198.51.100.50"))).Message);

    [Fact]
    public async Task Remove_takes_the_peer_out_and_the_option_with_the_last_one()
    {
        await Create("n1", options: new() { ["peers"] = "198.51.100.50,198.51.100.51", ["vni"] = "5000" });
        Assert.Equal(["198.51.100.51"], (await Plane.Networks.RemovePeerAsync("n1", "198.51.100.50")).ExternalPeers);
        Assert.Equal("198.51.100.51", (await Stored("n1")).Options["peers"]);

        var none = await Plane.Networks.RemovePeerAsync("n1", "198.51.100.51");
        Assert.Empty(none.ExternalPeers);
        var read = await Stored("n1");
        Assert.Empty(read.ExternalPeers);
        Assert.Equal(["vni"], read.Options.Keys);
    }

    [Fact]
    public async Task Removing_an_address_that_is_not_a_peer_is_not_found_and_lists_the_peers()
    {
        await Create("n1", options: new() { ["peers"] = "198.51.100.50,198.51.100.51" });
        await Create("n2");
        Assert.Equal("198.51.100.9 is not a peer of network n1: its peers are 198.51.100.50, 198.51.100.51",
            (await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Networks.RemovePeerAsync("n1", "198.51.100.9"))).Message);
        Assert.Equal("198.51.100.9 is not a peer of network n2: it has no peers",
            (await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Networks.RemovePeerAsync("n2", "198.51.100.9"))).Message);
    }

    [Fact]
    public async Task Concurrent_adds_all_land()
    {
        await Create("n1");
        var addresses = Enumerable.Range(1, 8).Select(i => $"192.0.2.{i}").ToList();
        // Two tasks, each adding four peers, interleaving their read-modify-writes of the one network record.
        await Task.WhenAll(
            Task.Run(async () => { foreach (var a in addresses.Where((_, i) => i % 2 == 0)) await Plane.Networks.AddPeerAsync("n1", a); }),
            Task.Run(async () => { foreach (var a in addresses.Where((_, i) => i % 2 == 1)) await Plane.Networks.AddPeerAsync("n1", a); }));
        var read = await Stored("n1");
        Assert.Equal(addresses.Order(), read.ExternalPeers.Order());
        Assert.Equal(read.ExternalPeers, read.Options["peers"].Split(','));
    }

    [Fact]
    public async Task A_lost_compare_and_swap_is_retried_on_the_record_as_it_is_now()
    {
        // Another writer slips in between this add's read and its swap, once: the swap loses, the retry keeps both peers.
        var network = await Create("n1");
        var store = new InterruptingStore(Store);
        var service = new Weft.Control.Services.NetworkService(store, new() { DefaultMtu = 1450 }, Clock);
        var interloper = 0;
        store.BeforeCompareAndSwap = async key =>
        {
            if (key == Keys.Network(network.Id) && Interlocked.Increment(ref interloper) == 1) await Plane.Networks.AddPeerAsync("n1", "192.0.2.2");
        };
        Assert.Equal(["192.0.2.2", "192.0.2.1"], (await service.AddPeerAsync("n1", "192.0.2.1")).ExternalPeers);
        Assert.Equal(["192.0.2.2", "192.0.2.1"], (await Stored("n1")).ExternalPeers);
        Assert.Equal(2, interloper); // the lost swap and the retry
    }
}
