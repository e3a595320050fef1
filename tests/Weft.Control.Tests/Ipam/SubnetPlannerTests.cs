using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Control.Tests.Ipam;

public sealed class SubnetPlannerTests
{
    private readonly SubnetPlanner _planner = new(Ipv4Cidr.Parse("10.0.0.0/8", "pool"));

    private static SubnetClaim Claim(string subnet, string name = "app-overlay") => new(subnet, "id-" + name, name);

    [Fact]
    public void Default_is_the_first_24_of_the_pool_with_the_first_host_as_gateway() =>
        Assert.Equal(new SubnetConfig("10.0.0.0/24", "10.0.0.1"), _planner.Plan(null, null, null, []));

    [Fact]
    public void Default_skips_blocks_that_overlap_existing_networks()
    {
        var planned = _planner.Plan(null, null, null, [Claim("10.0.0.0/24", "a"), Claim("10.0.1.0/25", "b"), Claim("10.0.3.0/24", "c")]);
        Assert.Equal(new SubnetConfig("10.0.2.0/24", "10.0.2.1"), planned);
        Assert.Equal("10.1.0.0/24", _planner.Plan(null, null, null, [Claim("10.0.0.0/16")]).Subnet);
    }

    [Fact]
    public void Exhausted_pool_says_to_pass_a_subnet()
    {
        var e = Assert.Throws<WeftConflictException>(() => _planner.Plan(null, null, null, [Claim("10.0.0.0/8")]));
        Assert.Equal("address pool 10.0.0.0/8 is exhausted: pass --subnet", e.Message);

        var small = new SubnetPlanner(Ipv4Cidr.Parse("10.0.0.0/23", "pool"));
        Assert.Equal("10.0.1.0/24", small.Plan(null, null, null, [Claim("10.0.0.0/24")]).Subnet);
        Assert.Throws<WeftConflictException>(() => small.Plan(null, null, null, [Claim("10.0.0.0/24"), Claim("10.0.1.0/24")]));
    }

    [Fact]
    public void Explicit_subnet_gateway_and_range_are_kept() =>
        Assert.Equal(
            new SubnetConfig("10.9.0.0/16", "10.9.255.254", "10.9.8.0/21"),
            _planner.Plan("10.9.0.0/16", "10.9.255.254", "10.9.8.0/21", []));

    [Fact]
    public void Subnets_outside_the_pool_are_allowed() =>
        Assert.Equal(new SubnetConfig("192.168.50.0/24", "192.168.50.1"), _planner.Plan("192.168.50.0/24", null, null, []));

    [Fact]
    public void Overlapping_subnet_names_the_network_it_overlaps()
    {
        var e = Assert.Throws<WeftConflictException>(() => _planner.Plan("10.0.1.0/24", null, null, [Claim("10.0.0.0/16")]));
        Assert.Equal("subnet 10.0.1.0/24 overlaps network app-overlay (10.0.0.0/16): choose a subnet outside it", e.Message);
    }

    [Theory]
    [InlineData("10.0.1.0/24", "10.9.0.1", null, "gateway 10.9.0.1 is outside subnet 10.0.1.0/24: pick an address inside it")]
    [InlineData("10.0.1.0/24", "10.0.1.0", null, "gateway 10.0.1.0 is the network address of 10.0.1.0/24: pick a host address")]
    [InlineData("10.0.1.0/24", "10.0.1.255", null, "gateway 10.0.1.255 is the broadcast address of 10.0.1.0/24: pick a host address")]
    [InlineData("10.0.1.0/24", "10.0.1", null, "invalid gateway '10.0.1': expected an IPv4 address like 10.0.1.5")]
    [InlineData("10.0.1.0/24", null, "10.0.2.0/25", "ip-range 10.0.2.0/25 is outside subnet 10.0.1.0/24: pick a range inside it")]
    [InlineData("10.0.1.0/24", null, "10.0.0.0/16", "ip-range 10.0.0.0/16 is outside subnet 10.0.1.0/24: pick a range inside it")]
    [InlineData("10.0.1.0/24", null, "10.0.1.9/25", "invalid ip-range 10.0.1.9/25: it should be 10.0.1.0/25")]
    [InlineData("10.0.1.0/31", null, null, "subnet 10.0.1.0/31 is too small: use a prefix of /30 or shorter")]
    [InlineData(null, "10.0.0.1", null, "--gateway needs --subnet: pass the subnet it belongs to")]
    [InlineData(null, null, "10.0.0.0/25", "--ip-range needs --subnet: pass the subnet it belongs to")]
    public void Bad_gateway_range_or_subnet_is_refused(string? subnet, string? gateway, string? range, string message)
    {
        var e = Assert.Throws<WeftInvalidArgumentException>(() => _planner.Plan(subnet, gateway, range, []));
        Assert.Equal(message, e.Message);
    }
}
