using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Tests.Ipam;

public sealed class SubnetAllocatorTests
{
    private static SubnetAllocator On(Weft.Control.Store.IClusterStore store) => new(store, new SubnetPlanner(Ipv4Cidr.Parse("10.0.0.0/8", "pool")));

    [Fact]
    public async Task Claims_are_remembered_and_released()
    {
        await using var store = TestStores.InMemory();
        var allocator = On(store);
        Assert.Equal("10.0.0.0/24", (await allocator.ClaimAsync("n1", "one", null, null, null)).Subnet);
        Assert.Equal("10.0.1.0/24", (await allocator.ClaimAsync("n2", "two", null, null, null)).Subnet);
        await allocator.ReleaseAsync("n1");
        Assert.Equal(["n2"], (await allocator.ListAsync()).Select(c => c.NetworkId));
        Assert.Equal("10.0.0.0/24", (await allocator.ClaimAsync("n3", "three", null, null, null)).Subnet);
    }

    [Fact]
    public async Task Concurrent_creates_from_several_hosts_never_overlap()
    {
        await using var store = TestStores.InMemory();
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            Task.Run(() => On(store).ClaimAsync($"n{i}", $"net{i}", null, null, null))));
        var subnets = results.Select(r => Ipv4Cidr.Parse(r.Subnet, "subnet")).ToList();
        Assert.Equal(24, subnets.Distinct().Count());
        Assert.All(subnets, a => Assert.Single(subnets, b => a.Overlaps(b)));
        Assert.Equal(24, (await On(store).ListAsync()).Count);
    }

    [Fact]
    public async Task Concurrent_overlapping_explicit_subnets_never_both_win()
    {
        // Six claims of 10.5.0.0/16 race six disjoint /24s inside it: whichever lands first decides, but the claimed
        // subnets never overlap — one /16 alone, or the /24s (which do not overlap each other).
        await using var store = TestStores.InMemory();
        var attempts = Enumerable.Range(0, 12).Select(i =>
            Task.Run(async () =>
            {
                var subnet = i % 2 == 0 ? "10.5.0.0/16" : $"10.5.{i}.0/24";
                try
                {
                    await On(store).ClaimAsync($"n{i}", $"net{i}", subnet, null, null);
                    return subnet;
                }
                catch (WeftConflictException)
                {
                    return null;
                }
            }));
        var won = (await Task.WhenAll(attempts)).OfType<string>().ToList();
        if (won.Contains("10.5.0.0/16")) Assert.Equal(new[] { "10.5.0.0/16" }, won);
        else Assert.Equal(6, won.Count);
    }
}
