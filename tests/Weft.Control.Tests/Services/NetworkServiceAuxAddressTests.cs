using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>Auxiliary addresses (<c>--aux-address NAME=IP</c>) given at network create: checked against the subnet, stored on it.</summary>
public sealed class NetworkServiceAuxAddressTests : ControlPlaneFixture
{
    private Task<Network> CreateWithAux(Dictionary<string, string> aux, string? subnet = "10.9.0.0/24", string? ipRange = null) =>
        Plane.Networks.CreateAsync(new NetworkCreateRequest { Name = "n1", Subnet = subnet, IpRange = ipRange, AuxAddresses = aux });

    [Fact]
    public async Task They_are_stored_on_the_subnet_normalised()
    {
        await CreateWithAux(new() { ["router"] = "10.9.0.2", ["ext"] = "10.9.0.050" });
        var stored = (await Plane.Networks.InspectAsync("n1")).Subnets[0];
        Assert.Equal(new Dictionary<string, string> { ["router"] = "10.9.0.2", ["ext"] = "10.9.0.50" }, stored.AuxiliaryAddresses);
    }

    [Fact]
    public async Task None_given_stores_none() =>
        Assert.Null((await CreateWithAux([])).Subnets[0].AuxiliaryAddresses);

    [Fact]
    public async Task They_are_checked_against_a_subnet_carved_from_the_pool() =>
        Assert.Equal("10.0.0.9", (await CreateWithAux(new() { ["r"] = "10.0.0.9" }, subnet: null)).Subnets[0].AuxiliaryAddresses!["r"]);

    [Theory]
    [InlineData("router", "10.9.0.300", "aux-address router=10.9.0.300 is not an IPv4 address: give an address inside subnet 10.9.0.0/24")]
    [InlineData("router", "", "aux-address router= is not an IPv4 address: give an address inside subnet 10.9.0.0/24")]
    [InlineData("ext", "10.10.0.5", "aux-address ext=10.10.0.5 is outside subnet 10.9.0.0/24 of network n1: pick an address inside it")]
    [InlineData("net", "10.9.0.0", "aux-address net=10.9.0.0 is the network address of subnet 10.9.0.0/24: pick a host address inside it")]
    [InlineData("bcast", "10.9.0.255", "aux-address bcast=10.9.0.255 is the broadcast address of subnet 10.9.0.0/24: pick a host address inside it")]
    [InlineData("gw", "10.9.0.1", "aux-address gw=10.9.0.1 is the gateway of network n1: pick another address")]
    [InlineData("", "10.9.0.5", "aux-address =10.9.0.5 has no name: give it as NAME=IP, like router=10.9.0.5")]
    [InlineData("a=b", "10.9.0.5", "aux-address name 'a=b' contains '=': give it as NAME=IP with a name without '='")]
    public async Task A_bad_one_fails_the_create_and_releases_everything(string name, string address, string message)
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => CreateWithAux(new() { [name] = address }));
        Assert.Equal(message, e.Message);
        await AssertNothingHeld();
    }

    [Fact]
    public async Task Two_names_for_one_address_are_refused()
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => CreateWithAux(new() { ["a"] = "10.9.0.5", ["b"] = "10.9.0.005" }));
        Assert.Equal("aux-addresses a=10.9.0.5 and b=10.9.0.005 are the same address: give each name its own address", e.Message);
        await AssertNothingHeld();
    }

    [Fact]
    public async Task An_address_inside_the_ip_range_is_allowed() =>
        Assert.Equal("10.9.0.130", (await CreateWithAux(new() { ["r"] = "10.9.0.130" }, ipRange: "10.9.0.128/25")).Subnets[0].AuxiliaryAddresses!["r"]);

    /// <summary>The failed create left no network, and its name, VNI and subnet are free again.</summary>
    private async Task AssertNothingHeld()
    {
        Assert.Empty(await Plane.Networks.ListAsync());
        var again = await CreateWithAux(new() { ["ok"] = "10.9.0.5" });
        Assert.Equal((4096, "10.9.0.0/24"), (again.Vni, again.Subnets[0].Subnet));
    }
}
