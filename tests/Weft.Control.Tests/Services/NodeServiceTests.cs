using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Control.Tests.Services;

public sealed class NodeServiceTests : ControlPlaneFixture
{
    [Fact]
    public async Task Registered_node_is_ready_and_re_registering_keeps_its_id()
    {
        var h1 = await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Manager);
        Assert.Equal(64, h1.Id.Length);
        Assert.Equal((NodeState.Ready, Clock.GetUtcNow()), (h1.State, h1.LastSeen));
        var again = await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Manager);
        Assert.Equal(h1.Id, again.Id);
        await Plane.Nodes.RegisterAsync("h0", "198.51.100.9", NodeRole.Worker);
        Assert.Equal(["h0", "h1"], (await Plane.Nodes.ListAsync()).Select(n => n.Name));
    }

    [Fact]
    public async Task A_live_name_cannot_be_taken_by_another_address_until_it_is_down()
    {
        var h1 = await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Worker);
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Nodes.RegisterAsync("h1", "198.51.100.2", NodeRole.Worker));
        Assert.Equal("node name h1 is already used by a live node at 198.51.100.1: choose another name or remove that node first", e.Message);

        Clock.Advance(Plane.Options.HeartbeatTtl + TimeSpan.FromSeconds(1));
        var moved = await Plane.Nodes.RegisterAsync("h1", "198.51.100.2", NodeRole.Worker);
        Assert.Equal((h1.Id, "198.51.100.2", NodeState.Ready), (moved.Id, moved.UnderlayAddress, (await Plane.Nodes.InspectAsync("h1")).State));
    }

    [Fact]
    public async Task Heartbeats_keep_a_node_ready_and_silence_makes_it_down()
    {
        var h1 = await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Worker);
        Clock.Advance(TimeSpan.FromSeconds(10));
        await Plane.Nodes.HeartbeatAsync(h1.Id);
        var lastBeat = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(NodeState.Ready, (await Plane.Nodes.InspectAsync("h1")).State);

        Clock.Advance(TimeSpan.FromSeconds(6));
        var down = await Plane.Nodes.InspectAsync(h1.Id[..8]);
        Assert.Equal((NodeState.Down, lastBeat), (down.State, down.LastSeen));

        await Plane.Nodes.HeartbeatAsync(h1.Id);
        Assert.Equal(NodeState.Ready, (await Plane.Nodes.InspectAsync("h1")).State);
    }

    [Fact]
    public async Task Endpoints_of_a_node_down_past_the_grace_period_are_withdrawn()
    {
        await Create("app-overlay");
        await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Manager);
        await Plane.Nodes.RegisterAsync("h2", "198.51.100.2", NodeRole.Worker);
        await Plane.Endpoints.CreateAsync("app-overlay", "container-a", "h1");
        await Plane.Endpoints.CreateAsync("app-overlay", "container-b", "h2");
        var h1 = (await Plane.Nodes.InspectAsync("h1")).Id;

        // h2 stops heartbeating at 0 s; its lease (15 s) has expired when the manager looks at 20 s: the grace starts then.
        await AdvanceBeatingAsync(h1, TimeSpan.FromSeconds(20));
        Assert.Equal(NodeState.Down, (await Plane.Nodes.InspectAsync("h2")).State);
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(60)));

        await AdvanceBeatingAsync(h1, TimeSpan.FromSeconds(50)); // 70 s after h2's last beat, 50 s after it was first seen down
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(60)));

        await AdvanceBeatingAsync(h1, TimeSpan.FromSeconds(10));
        var withdrawn = await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["container-b"], withdrawn.Select(e => e.ContainerName));
        Assert.Equal(["container-a"], (await Plane.Endpoints.ListAsync("app-overlay")).Select(e => e.ContainerName));
        Assert.Null(await Plane.Endpoints.FindContainerAsync("container-b"));
    }

    [Fact]
    public async Task A_node_whose_clock_is_behind_does_not_get_a_shorter_grace()
    {
        await Create("app-overlay");
        var manager = (await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Manager)).Id;
        // h2 writes its own LastSeen through the same store with a clock one hour behind the manager's.
        var skewed = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Clock.GetUtcNow() - TimeSpan.FromHours(1));
        var worker = new Weft.Control.Services.ControlPlane(Store, Plane.Options, skewed);
        var h2 = await worker.Nodes.RegisterAsync("h2", "198.51.100.2", NodeRole.Worker);
        await worker.Endpoints.CreateAsync("app-overlay", "container-b", "h2");
        Assert.Equal(Clock.GetUtcNow() - TimeSpan.FromHours(1), h2.LastSeen);

        await AdvanceBeatingAsync(manager, Plane.Options.HeartbeatTtl + TimeSpan.FromSeconds(1));
        Assert.Equal(NodeState.Down, (await Plane.Nodes.InspectAsync("h2")).State);
        // By LastSeen h2 has been silent for an hour, far past the grace; the manager counts from when it saw h2 down.
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30)));
        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(29));
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30)));
        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(1));
        Assert.Equal(["container-b"], (await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30))).Select(e => e.ContainerName));
    }

    [Fact]
    public async Task A_node_that_comes_back_within_the_grace_starts_a_new_grace_when_it_goes_down_again()
    {
        await Create("app-overlay");
        var manager = (await Plane.Nodes.RegisterAsync("h1", "198.51.100.1", NodeRole.Manager)).Id;
        var h2 = (await Plane.Nodes.RegisterAsync("h2", "198.51.100.2", NodeRole.Worker)).Id;
        await Plane.Endpoints.CreateAsync("app-overlay", "container-b", "h2");

        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(20));
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30))); // down since 20 s
        await Plane.Nodes.HeartbeatAsync(h2);
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30))); // back: forgotten

        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(20));
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30))); // down again since 40 s
        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(20));
        Assert.Empty(await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30)));
        await AdvanceBeatingAsync(manager, TimeSpan.FromSeconds(10));
        Assert.Equal(["container-b"], (await Plane.Nodes.WithdrawEndpointsOfDownNodesAsync(TimeSpan.FromSeconds(30))).Select(e => e.ContainerName));
    }

    /// <summary>Moves the clock forward in 5 s steps, heartbeating <paramref name="nodeId"/> after each so it stays ready.</summary>
    private async Task AdvanceBeatingAsync(string nodeId, TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(5))
        {
            Clock.Advance(left < TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5));
            await Plane.Nodes.HeartbeatAsync(nodeId);
        }
    }

    [Fact]
    public async Task Removing_a_node_removes_its_endpoints_and_record()
    {
        await Create("app-overlay");
        await Plane.Nodes.RegisterAsync("h2", "198.51.100.2", NodeRole.Worker);
        await Plane.Endpoints.CreateAsync("app-overlay", "container-b", "h2");
        await Plane.Nodes.RemoveAsync("h2");
        Assert.Empty(await Plane.Endpoints.ListAllAsync());
        Assert.Empty(await Store.ListAsync(Keys.AlivePrefix));
        var e = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Nodes.InspectAsync("h2"));
        Assert.Equal("node h2 not found: list nodes with 'weft cluster nodes'", e.Message);
        var beat = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Nodes.HeartbeatAsync("0123"));
        Assert.Equal("node 0123 not found: register it again with 'weft cluster join'", beat.Message);
    }

    [Fact]
    public async Task Invalid_underlay_address_is_refused()
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Nodes.RegisterAsync("h1", "host.example", NodeRole.Worker));
        Assert.Equal("invalid underlay address 'host.example' for node h1: expected an IPv4 address like 198.51.100.1", e.Message);
    }
}
