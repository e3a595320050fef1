using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Control.Tests.Services;

/// <summary>Endpoints of containers another runtime runs (Docker's plugin): address first, record next, name last; held addresses.</summary>
public sealed class EndpointServiceRuntimeTests : ControlPlaneFixture
{
    private const string DockerEndpoint = "f2032e9463035ae9dc71e043d7c7515028fca50b91512f65165b2ad02bcfcc4c";
    private const string DockerContainer = "8db155f035217201e0cc9b168f047a9051cd7dd2a8a17e37e8103a2a8101fb81";

    [Fact]
    public async Task A_runtimes_address_is_claimed_before_its_endpoint_and_the_endpoint_named_afterwards()
    {
        var net = await Create("app-overlay");
        var address = await Plane.Endpoints.ClaimAddressAsync(net, null, "docker");
        Assert.Equal("10.0.0.2", Ipv4.Format(address));
        Assert.Equal("10.0.0.3", (await Plane.Endpoints.CreateAsync("app-overlay", "weft-c", "h2")).IPv4Address); // the claim counts

        var endpoint = await Plane.Endpoints.AddRuntimeEndpointAsync(net, DockerEndpoint, "h1", EndpointRuntimes.Docker, address);
        Assert.Equal(("docker-f2032e946303", DockerEndpoint, "02:42:0a:00:00:02", 24, "docker"),
            (endpoint.ContainerName, endpoint.ContainerId, endpoint.MacAddress, endpoint.PrefixLength, endpoint.Runtime));

        var named = endpoint with { ContainerName = "container-a", ContainerId = DockerContainer, Aliases = ["db"] };
        Assert.True(await Plane.Endpoints.UpdateEndpointAsync(named));
        var read = await Plane.Endpoints.FindEndpointAsync(net.Id, DockerEndpoint);
        Assert.Equal(named with { Aliases = [] }, read! with { Aliases = [] });
        Assert.Equal(["db"], read.Aliases);
        Assert.Contains(await Plane.Endpoints.ListAsync("app-overlay"), e => e.ContainerName == "container-a" && e.Aliases.SequenceEqual(["db"]));

        Assert.True(await Plane.Endpoints.RemoveRuntimeEndpointAsync(named));
        Assert.False(await Plane.Endpoints.UpdateEndpointAsync(named)); // gone: not written back
        Assert.NotNull(await Plane.Endpoints.AddressClaimAsync(net.Id, address)); // the runtime releases the address itself
        Assert.True(await Plane.Endpoints.ReleaseAddressAsync(net.Id, address));
        Assert.Null(await Plane.Endpoints.AddressClaimAsync(net.Id, address));
    }

    [Fact]
    public async Task The_addresses_a_holder_claimed_are_found_again_but_not_those_held_for_stopped_containers()
    {
        var net = await Create("app-overlay");
        var first = await Plane.Endpoints.ClaimAddressAsync(net, null, "cni-endpoint-1");
        var other = await Plane.Endpoints.ClaimAddressAsync(net, null, "cni-endpoint-2");
        Assert.Equal([first], await Plane.Endpoints.ClaimedByAsync(net.Id, "cni-endpoint-1"));
        Assert.Equal([other], await Plane.Endpoints.ClaimedByAsync(net.Id, "cni-endpoint-2"));

        await Plane.Endpoints.HoldAddressAsync(net.Id, first, "cni-endpoint-1", "c", "h1"); // held for a stopped container now
        Assert.Empty(await Plane.Endpoints.ClaimedByAsync(net.Id, "cni-endpoint-1"));
        Assert.Empty(await Plane.Endpoints.ClaimedByAsync(net.Id, "nobody"));
    }

    [Fact]
    public async Task A_held_address_is_skipped_by_others_and_given_back_only_while_still_held()
    {
        var net = await Create("app-overlay");
        var address = await Plane.Endpoints.ClaimAddressAsync(net, null, "docker");
        await Plane.Endpoints.HoldAddressAsync(net.Id, address, DockerContainer, "container-a", "h1");

        Assert.Equal("10.0.0.3", Ipv4.Format(await Plane.Endpoints.ClaimAddressAsync(net, null, "docker")));
        var conflict = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Endpoints.ClaimAddressAsync(net, "10.0.0.2", "docker"));
        Assert.Contains("container-a", conflict.Message);

        var held = Assert.Single(await Plane.Endpoints.HeldAddressesAsync(net.Id, "h1"));
        Assert.Equal((address, DockerContainer), (held.Address, held.Claim.HeldFor));
        Assert.Empty(await Plane.Endpoints.HeldAddressesAsync(net.Id, "h2"));

        Assert.False(await Plane.Endpoints.ReclaimHeldAsync(net.Id, address, held.Claim with { HeldFor = "another" }, "docker"));
        Assert.True(await Plane.Endpoints.ReclaimHeldAsync(net.Id, address, held.Claim, "docker"));
        Assert.Empty(await Plane.Endpoints.HeldAddressesAsync(net.Id, "h1"));
        Assert.False(await Plane.Endpoints.ReclaimHeldAsync(net.Id, address, held.Claim, "docker")); // taken once only
    }
}
