using System.Text.RegularExpressions;
using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Control.Tests.Services;

public sealed partial class EndpointServiceTests : ControlPlaneFixture
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();

    [Fact]
    public async Task Endpoint_gets_an_address_after_the_gateway_and_a_docker_mac()
    {
        var net = await Create("app-overlay");
        var a = await Plane.Endpoints.CreateAsync("app-overlay", "container-a", "h1");
        Assert.Matches(Hex64(), a.Id);
        Assert.Matches(Hex64(), a.ContainerId);
        Assert.Equal((net.Id, "h1", "10.0.0.2", 24, "02:42:0a:00:00:02", Clock.GetUtcNow()),
            (a.NetworkId, a.Host, a.IPv4Address, a.PrefixLength, a.MacAddress, a.Created));
        var b = await Plane.Endpoints.CreateAsync(net.Id, "container-b", "h2");
        Assert.Equal("10.0.0.3", b.IPv4Address);
        Assert.Equal(["container-a", "container-b"], (await Plane.Endpoints.ListAsync("app-overlay")).Select(e => e.ContainerName));
    }

    [Fact]
    public async Task Fixed_ip_is_honoured()
    {
        await Create("app-overlay", "10.0.1.0/24");
        Assert.Equal("10.0.1.50", (await Plane.Endpoints.CreateAsync("app-overlay", "c", "h1", "10.0.1.50")).IPv4Address);
    }

    [Fact]
    public async Task Fixed_ip_outside_the_subnet_is_refused_and_the_name_stays_free()
    {
        await Create("app-overlay", "10.0.1.0/24");
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Endpoints.CreateAsync("app-overlay", "c", "h1", "10.9.0.5"));
        Assert.Equal("address 10.9.0.5 is outside subnet 10.0.1.0/24 of network app-overlay: pick an address inside it", e.Message);
        Assert.Null(await Plane.Endpoints.FindContainerAsync("c"));
        Assert.Equal("10.0.1.2", (await Plane.Endpoints.CreateAsync("app-overlay", "c", "h2")).IPv4Address);
    }

    [Fact]
    public async Task Fixed_ip_taken_names_the_holder()
    {
        await Create("app-overlay", "10.0.1.0/24");
        await Plane.Endpoints.CreateAsync("app-overlay", "container-b", "h1", "10.0.1.7");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Endpoints.CreateAsync("app-overlay", "c", "h1", "10.0.1.7"));
        Assert.Equal("address 10.0.1.7 is already in use on network app-overlay by container container-b: pick another address or omit --ip", e.Message);
    }

    [Fact]
    public async Task Container_names_are_unique_across_hosts()
    {
        await Create("app-overlay");
        await Create("other");
        await Plane.Endpoints.CreateAsync("app-overlay", "container-a", "h1");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Endpoints.CreateAsync("other", "container-a", "h2"));
        Assert.Equal("container name container-a is already in use on host h1: choose another name or remove it with 'weft rm container-a'", e.Message);
        var fresh = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Endpoints.CreateAsync("other", "container-a", "h1", newContainer: true));
        Assert.Equal(e.Message, fresh.Message);
        Assert.Empty(await Plane.Endpoints.ListAsync("other"));
    }

    [Fact]
    public async Task Connecting_a_container_to_a_second_network_keeps_its_identity()
    {
        await Create("front");
        await Create("back");
        var a = await Plane.Endpoints.CreateAsync("front", "web", "h1");
        var b = await Plane.Endpoints.CreateAsync("back", "web", "h1");
        Assert.Equal(a.ContainerId, b.ContainerId);
        Assert.Equal(("10.0.0.2", "10.0.1.2"), (a.IPv4Address, b.IPv4Address));
        Assert.Equal(2, (await Plane.Endpoints.ListContainerEndpointsAsync("web")).Count);
        var again = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Endpoints.CreateAsync("front", "web", "h1"));
        Assert.Equal("container web is already connected to network front: nothing to do; to give it another address, " +
            "disconnect it first with 'weft network disconnect front web'", again.Message);
    }

    [Fact]
    public async Task Unknown_network_or_container_is_not_found()
    {
        var e = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Endpoints.CreateAsync("nope", "c", "h1"));
        Assert.Equal("network nope not found: list networks with 'weft network ls'", e.Message);
        var c = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Endpoints.InspectContainerAsync("ghost"));
        Assert.Equal("container ghost not found: list containers with 'weft ps'", c.Message);
        await Create("app-overlay");
        var d = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Endpoints.RemoveAsync("app-overlay", "ghost"));
        Assert.Equal("container ghost is not connected to network app-overlay: see 'weft network inspect app-overlay'", d.Message);
    }

    [Fact]
    public async Task Invalid_container_name_or_missing_host_is_refused()
    {
        await Create("app-overlay");
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Endpoints.CreateAsync("app-overlay", "bad/name", "h1"));
        Assert.Equal("invalid container name 'bad/name': use up to 128 letters, digits, '_', '.' or '-', starting with a letter or digit", e.Message);
        var h = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Endpoints.CreateAsync("app-overlay", "c", " "));
        Assert.Equal("container c needs a host: pass the node it runs on", h.Message);
    }

    [Fact]
    public async Task Removing_endpoints_releases_the_address_and_finally_the_name()
    {
        await Create("front");
        await Create("back");
        var a = await Plane.Endpoints.CreateAsync("front", "web", "h1");
        await Plane.Endpoints.CreateAsync("back", "web", "h1");

        await Plane.Endpoints.RemoveAsync("front", "web");
        Assert.NotNull(await Plane.Endpoints.FindContainerAsync("web"));
        Assert.Equal(a.IPv4Address, (await Plane.Endpoints.CreateAsync("front", "other", "h2")).IPv4Address);

        await Plane.Endpoints.RemoveAsync("back", "web");
        Assert.Null(await Plane.Endpoints.FindContainerAsync("web"));
        Assert.Equal("h2", (await Plane.Endpoints.CreateAsync("back", "web", "h2")).Host);
    }

    [Fact]
    public async Task Remove_container_detaches_it_everywhere()
    {
        await Create("front");
        await Create("back");
        var a = await Plane.Endpoints.CreateAsync("front", "web", "h1");
        await Plane.Endpoints.CreateAsync("back", "web", "h1");
        await Plane.Endpoints.CreateAsync("back", "db", "h2");

        var removed = await Plane.Endpoints.RemoveContainerAsync(a.ContainerId[..12]);
        Assert.Equal(("web", "h1"), (removed.Name, removed.Host));
        Assert.Equal(["db"], (await Plane.Endpoints.ListAllAsync()).Select(e => e.ContainerName));
        Assert.Equal(["db"], (await Plane.Endpoints.ListContainersAsync()).Select(c => c.Name));
        Assert.Single(await Store.ListAsync(Keys.IpamPrefix));
    }

    [Fact]
    public async Task A_removed_containers_run_state_goes_with_it_whether_removed_whole_or_by_its_last_network()
    {
        await Create("front");
        var web = await Plane.Endpoints.CreateAsync("front", "web", "h1");
        var db = await Plane.Endpoints.CreateAsync("front", "db", "h2");
        foreach (var e in new[] { web, db })
            await Store.PutAsync(Keys.ContainerState(e.ContainerId), ModelJson.Serialize(new ContainerRunState(e.ContainerId, e.ContainerName, e.Host, DateTimeOffset.UnixEpoch)));

        await Plane.Endpoints.RemoveContainerAsync("web");
        await Plane.Endpoints.RemoveAsync("front", "db");
        Assert.Empty(await Store.ListAsync(Keys.ContainerStatesPrefix));
    }

    [Fact]
    public async Task Concurrent_containers_from_several_hosts_get_distinct_addresses_and_macs()
    {
        await Create("app-overlay");
        var endpoints = await Task.WhenAll(
            from host in Enumerable.Range(1, 4)
            from i in Enumerable.Range(0, 10)
            select Task.Run(() => Plane.Endpoints.CreateAsync("app-overlay", $"h{host}-c{i}", $"h{host}")));
        Assert.Equal(40, endpoints.Select(e => e.IPv4Address).Distinct().Count());
        Assert.Equal(40, endpoints.Select(e => e.MacAddress).Distinct().Count());
        Assert.Equal(40, (await Plane.Endpoints.ListAsync("app-overlay")).Count);
    }
}
