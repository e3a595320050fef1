using Weft.Control.Model;

namespace Weft.Agent.Tests;

public sealed class ContainerRunStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static Node Host(NodeState state) => new()
    {
        Id = "n2", Name = "h2", UnderlayAddress = "198.51.100.2", Role = NodeRole.Worker, State = state, LastSeen = Now,
    };

    [Fact]
    public void Not_reported_by_its_host_is_created() =>
        Assert.Equal(("created", "Created"), ContainerRunStatus.Of(null, Host(NodeState.Ready), Now));

    [Fact]
    public void Reported_on_a_ready_host_is_up_since_its_start() =>
        Assert.Equal(("running", "Up 5 minutes"),
            ContainerRunStatus.Of(new ContainerRunState("id", "b", "h2", Now.AddMinutes(-5)), Host(NodeState.Ready), Now));

    [Fact]
    public void On_a_host_that_is_down_nobody_can_vouch_for_it() =>
        Assert.Equal(("unknown", "Unknown (host h2 is down)"),
            ContainerRunStatus.Of(new ContainerRunState("id", "b", "h2", Now.AddMinutes(-5)), Host(NodeState.Down), Now));
}
