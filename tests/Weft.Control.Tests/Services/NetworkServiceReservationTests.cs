using Weft.Control.Errors;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>Subnets reserved before their network exists (Docker asks for a pool before it creates a network).</summary>
public sealed class NetworkServiceReservationTests : ControlPlaneFixture
{
    [Fact]
    public async Task A_reserved_subnet_is_taken_by_nobody_else_and_handed_to_its_network()
    {
        var (reservation, subnet) = await Plane.Networks.ReserveSubnetAsync(null, null);
        Assert.Equal("10.0.0.0/24", subnet.Subnet);
        Assert.Equal("10.0.1.0/24", (await Create("other")).Subnets[0].Subnet);
        var overlap = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Networks.ReserveSubnetAsync("10.0.0.0/16", null));
        Assert.Contains("overlaps network a network Docker is creating (10.0.0.0/24)", overlap.Message);
        Assert.Equal(reservation, await Plane.Networks.FindReservationAsync("10.0.0.0/24"));

        var network = await Plane.Networks.CreateAsync(new NetworkCreateRequest
        {
            Name = "from-docker", Subnet = "10.0.0.0/24", Gateway = "10.0.0.254", SubnetReservation = reservation,
        });
        Assert.Equal(("10.0.0.0/24", "10.0.0.254"), (network.Subnets[0].Subnet, network.Subnets[0].Gateway));
        Assert.Null(await Plane.Networks.FindReservationAsync("10.0.0.0/24"));
        Assert.Equal(network.Id, (await Plane.Networks.FindBySubnetAsync("10.0.0.0/24"))!.Id);
        Assert.False(await Plane.Networks.ReleaseReservationAsync(reservation)); // the network's now
        Assert.Contains("overlaps network from-docker", (await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Networks.ReserveSubnetAsync("10.0.0.0/24", null))).Message);
    }

    [Fact]
    public async Task A_reservation_no_network_takes_is_released_on_request_or_after_its_lifetime()
    {
        var (first, _) = await Plane.Networks.ReserveSubnetAsync("10.5.0.0/24", null);
        Assert.True(await Plane.Networks.ReleaseReservationAsync(first));
        var (_, again) = await Plane.Networks.ReserveSubnetAsync("10.5.0.0/24", null);
        Assert.Equal("10.5.0.0/24", again.Subnet);

        Assert.Equal(0, await Plane.Networks.ReleaseStaleReservationsAsync(TimeSpan.FromMinutes(10)));
        Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await Plane.Networks.ReleaseStaleReservationsAsync(TimeSpan.FromMinutes(10)));
        Assert.Null(await Plane.Networks.FindReservationAsync("10.5.0.0/24"));
        await Create("later", "10.5.0.0/24"); // free again
    }

    [Fact]
    public async Task Validate_refuses_unknown_options_and_a_gateway_outside_the_subnet()
    {
        Assert.StartsWith("unknown option 'encrypt'",
            Assert.Throws<WeftInvalidArgumentException>(() => NetworkService.Validate(new Dictionary<string, string> { ["encrypt"] = "" }, "10.0.0.0/24", "10.0.0.1")).Message);
        Assert.StartsWith("gateway 10.9.0.1 is outside subnet 10.0.0.0/24",
            Assert.Throws<WeftInvalidArgumentException>(() => NetworkService.Validate(new Dictionary<string, string>(), "10.0.0.0/24", "10.9.0.1")).Message);
        NetworkService.Validate(new Dictionary<string, string> { ["encrypted"] = "" }, "10.0.0.0/24", "10.0.0.1");
    }
}
