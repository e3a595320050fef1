using CsCheck;
using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Control.Tests.Ipam;

public sealed class AddressAllocatorTests
{
    private static Network Net(string subnet, string gateway, string? range = null) => new()
    {
        Id = Ids.New(),
        Name = "app-overlay",
        Driver = "overlay",
        Vni = 4096,
        Subnets = [new SubnetConfig(subnet, gateway, range)],
        Mtu = 1450,
        Created = DateTimeOffset.UnixEpoch,
    };

    private static AddressClaim For(string name) => new(Ids.New(), name);

    private static Network WithAux(Network network, Dictionary<string, string> aux) =>
        network with { Subnets = [network.Subnets[0] with { AuxiliaryAddresses = aux }] };

    [Fact]
    public async Task Automatic_allocation_skips_auxiliary_addresses()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = WithAux(Net("10.0.0.0/24", "10.0.0.1"), new() { ["router"] = "10.0.0.2", ["ext"] = "10.0.0.4" });
        var got = new List<string>();
        for (var i = 0; i < 3; i++) got.Add(Ipv4.Format(await ipam.AllocateAsync(net, For($"c{i}"))));
        Assert.Equal(["10.0.0.3", "10.0.0.5", "10.0.0.6"], got);
    }

    [Fact]
    public async Task A_fixed_address_that_is_auxiliary_is_refused_naming_it()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = WithAux(Net("10.0.0.0/24", "10.0.0.1"), new() { ["router"] = "10.0.0.2" });
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("a"), "10.0.0.2"));
        Assert.Equal("address 10.0.0.2 is reserved as auxiliary address 'router' of network app-overlay: pick another address", e.Message);
        Assert.Empty(await ipam.ListAsync(net.Id));
        Assert.Equal("10.0.0.3", Ipv4.Format(await ipam.AllocateAsync(net, For("a"), "10.0.0.3")));
    }

    [Fact]
    public async Task A_range_of_only_auxiliary_addresses_is_full()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = WithAux(Net("10.0.1.0/24", "10.0.1.1", "10.0.1.4/31"), new() { ["a"] = "10.0.1.4", ["b"] = "10.0.1.5" });
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("c")));
        Assert.StartsWith("no free address left in 10.0.1.4/31 on network app-overlay", e.Message);
    }

    [Fact]
    public async Task Hands_out_the_lowest_free_address_after_the_gateway_and_reuses_released_ones()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = Net("10.0.0.0/24", "10.0.0.1");
        var a = await ipam.AllocateAsync(net, For("a"));
        var b = await ipam.AllocateAsync(net, For("b"));
        Assert.Equal(("10.0.0.2", "10.0.0.3"), (Ipv4.Format(a), Ipv4.Format(b)));
        Assert.True(await ipam.ReleaseAsync(net.Id, a));
        Assert.False(await ipam.ReleaseAsync(net.Id, a));
        Assert.Equal("10.0.0.2", Ipv4.Format(await ipam.AllocateAsync(net, For("c"))));
        Assert.Equal(["c", "b"], (await ipam.ListAsync(net.Id)).Select(x => x.Claim.ContainerName));
    }

    [Fact]
    public async Task Skips_a_gateway_in_the_middle_and_stays_inside_the_ip_range()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = Net("10.0.1.0/24", "10.0.1.129", "10.0.1.128/30");
        Assert.Equal("10.0.1.128", Ipv4.Format(await ipam.AllocateAsync(net, For("a"))));
        Assert.Equal("10.0.1.130", Ipv4.Format(await ipam.AllocateAsync(net, For("b"))));
        Assert.Equal("10.0.1.131", Ipv4.Format(await ipam.AllocateAsync(net, For("c"))));
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("d")));
        Assert.Equal("no free address left in 10.0.1.128/30 on network app-overlay: remove a container or recreate the network with a larger --subnet or --ip-range", e.Message);
    }

    [Fact]
    public async Task Never_hands_out_network_or_broadcast_addresses()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = Net("10.0.2.0/29", "10.0.2.6");
        var got = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            got.Add(Ipv4.Format(await ipam.AllocateAsync(net, For($"c{i}"))));
        }

        Assert.Equal(["10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.4", "10.0.2.5"], got);
        await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("full")));
    }

    [Fact]
    public async Task Fixed_address_is_claimed_even_outside_the_ip_range()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = Net("10.0.1.0/24", "10.0.1.1", "10.0.1.0/25");
        Assert.Equal("10.0.1.200", Ipv4.Format(await ipam.AllocateAsync(net, For("a"), "10.0.1.200")));
        Assert.Equal("10.0.1.2", Ipv4.Format(await ipam.AllocateAsync(net, For("b"))));
    }

    [Theory]
    [InlineData("10.9.0.5", "address 10.9.0.5 is outside subnet 10.0.1.0/24 of network app-overlay: pick an address inside it")]
    [InlineData("10.0.1.0", "address 10.0.1.0 is the network address of 10.0.1.0/24: pick a host address")]
    [InlineData("10.0.1.255", "address 10.0.1.255 is the broadcast address of 10.0.1.0/24: pick a host address")]
    [InlineData("10.0.1.300", "invalid address '10.0.1.300': expected an IPv4 address like 10.0.1.5")]
    public async Task Bad_fixed_addresses_are_refused(string ip, string message)
    {
        await using var store = TestStores.InMemory();
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => new AddressAllocator(store).AllocateAsync(Net("10.0.1.0/24", "10.0.1.1"), For("a"), ip));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Fixed_gateway_or_taken_address_is_a_conflict()
    {
        await using var store = TestStores.InMemory();
        var ipam = new AddressAllocator(store);
        var net = Net("10.0.1.0/24", "10.0.1.1");
        var gateway = await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("a"), "10.0.1.1"));
        Assert.Equal("address 10.0.1.1 is the gateway of network app-overlay: pick another address", gateway.Message);

        await ipam.AllocateAsync(net, For("container-b"), "10.0.1.7");
        var taken = await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("a"), "10.0.1.7"));
        Assert.Equal("address 10.0.1.7 is already in use on network app-overlay by container container-b: pick another address or omit --ip", taken.Message);
    }

    [Fact]
    public async Task Concurrent_allocators_on_several_hosts_get_distinct_addresses()
    {
        await using var store = TestStores.InMemory();
        var net = Net("10.0.0.0/24", "10.0.0.1");
        const int hosts = 4, each = 30;
        var perHost = await Task.WhenAll(Enumerable.Range(0, hosts).Select(h => Task.Run(async () =>
        {
            var ipam = new AddressAllocator(store);
            var mine = new List<uint>();
            for (var i = 0; i < each; i++)
            {
                mine.Add(await ipam.AllocateAsync(net, For($"h{h}-c{i}")));
            }

            return mine;
        })));
        var all = perHost.SelectMany(x => x).ToList();
        Assert.Equal(hosts * each, all.Distinct().Count());
        Assert.All(all, a => Assert.InRange(a, 0x0A000002u, 0x0A0000FEu));
        Assert.Equal(hosts * each, (await new AddressAllocator(store).ListAsync(net.Id)).Count);
    }

    [Fact]
    public async Task Allocate_release_sequences_never_duplicate_and_stay_in_range()
    {
        // Ops: true = allocate, false = release a held address (picked by index).
        var ops = Gen.Select(Gen.Bool, Gen.Int[0, 1000]).Array[1, 60];
        var ranges = Gen.OneOf(("10.0.3.0/27", "10.0.3.1", (string?)null), ("10.0.3.0/24", "10.0.3.20", (string?)"10.0.3.16/29"));
        await Gen.Select(ops, ranges).SampleAsync(async (sequence, layout) =>
        {
            await using var store = TestStores.InMemory();
            var ipam = new AddressAllocator(store);
            var net = Net(layout.Item1, layout.Item2, layout.Item3);
            var subnet = Ipv4Cidr.Parse(layout.Item1, "subnet");
            var range = layout.Item3 is null ? subnet : Ipv4Cidr.Parse(layout.Item3, "ip-range");
            var gateway = Ipv4.Parse(layout.Item2, "gateway");
            var capacity = Enumerable.Range(0, (int)range.Size).Select(i => range.Network + (uint)i)
                .Count(a => a != subnet.Network && a != subnet.Last && a != gateway);
            var held = new List<uint>();
            foreach (var (allocate, pick) in sequence)
            {
                if (allocate || held.Count == 0)
                {
                    if (held.Count == capacity)
                    {
                        await Assert.ThrowsAsync<WeftConflictException>(() => ipam.AllocateAsync(net, For("x")));
                        continue;
                    }

                    var got = await ipam.AllocateAsync(net, For("x"));
                    Assert.DoesNotContain(got, held);
                    Assert.True(range.Contains(got) && got != gateway && got != subnet.Network && got != subnet.Last);
                    held.Add(got);
                }
                else
                {
                    var victim = held[pick % held.Count];
                    held.Remove(victim);
                    Assert.True(await ipam.ReleaseAsync(net.Id, victim));
                }
            }

            Assert.Equal(held.Order(), (await ipam.ListAsync(net.Id)).Select(x => x.Address).Order());
        }, iter: 60);
    }
}
