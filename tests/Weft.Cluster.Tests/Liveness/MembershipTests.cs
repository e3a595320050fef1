using Microsoft.Extensions.Time.Testing;
using Weft.Cluster.Liveness;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Cluster.Tests.Liveness;

/// <summary>Liveness on a fake clock against the real SQLite store: one <see cref="Membership.CheckAsync"/> per simulated second.</summary>
public sealed class MembershipTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private SqliteClusterStore _store = null!;
    private Membership _membership = null!;
    private readonly List<MembershipChange> _changes = [];

    public Task InitializeAsync()
    {
        _store = new SqliteClusterStore(":memory:", _clock);
        _membership = new Membership(_store, EndpointWithdrawal.ByEndpointHost(_store), time: _clock);
        _membership.Changed += _changes.Add;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static Node NodeRecord(string id) => new()
    {
        Id = id,
        Name = id + "-host",
        UnderlayAddress = "198.51.100.1",
        Role = NodeRole.Worker,
        State = NodeState.Ready,
        LastSeen = DateTimeOffset.MinValue,
    };

    private NodeHeartbeat Heartbeat(string id) => new(_store, NodeRecord(id), time: _clock);

    /// <summary>Advances the clock one second at a time, checking after each, optionally letting some nodes beat.</summary>
    private async Task Seconds(int count, params NodeHeartbeat[] beating)
    {
        for (var i = 0; i < count; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            foreach (var beat in beating)
                await beat.BeatAsync();
            await _membership.CheckAsync();
        }
    }

    private async Task<Node> Stored(string id) => ModelJson.Deserialize<Node>((await _store.GetAsync(Keys.Node(id)))!.Value);

    private async Task PutEndpoint(string network, string endpointId, string host)
    {
        var endpoint = new Endpoint
        {
            Id = endpointId,
            ContainerName = "c-" + endpointId,
            ContainerId = endpointId,
            NetworkId = network,
            Host = host,
            IPv4Address = "10.0.0.2",
            PrefixLength = 24,
            MacAddress = "02:42:0a:00:00:02",
            Created = _clock.GetUtcNow(),
        };
        await _store.PutAsync(Keys.Endpoint(network, endpointId), ModelJson.Serialize(endpoint));
    }

    [Fact]
    public async Task A_node_that_keeps_beating_stays_ready()
    {
        var a = Heartbeat("a");
        await a.BeatAsync();
        await Seconds(30, a);
        Assert.Equal([new MembershipChange("a", MembershipChangeKind.Seen)], _changes);
        var stored = await Stored("a");
        Assert.Equal(NodeState.Ready, stored.State);
        Assert.Equal(_clock.GetUtcNow(), stored.LastSeen);
    }

    [Fact]
    public async Task A_silent_node_is_marked_down_after_five_seconds_in_the_store()
    {
        await Heartbeat("a").BeatAsync();
        await _membership.CheckAsync();
        var lastSeen = (await Stored("a")).LastSeen;

        await Seconds(4);
        Assert.Equal(NodeState.Ready, (await Stored("a")).State);
        Assert.DoesNotContain(_changes, c => c.Kind == MembershipChangeKind.Down);

        await Seconds(1);
        Assert.Contains(new MembershipChange("a", MembershipChangeKind.Down), _changes);
        var stored = await Stored("a");
        Assert.Equal(NodeState.Down, stored.State);
        Assert.Equal(lastSeen, stored.LastSeen);

        await Seconds(3); // marking down once is enough
        Assert.Single(_changes, c => c.Kind == MembershipChangeKind.Down);
    }

    [Fact]
    public async Task Only_the_silent_node_goes_down()
    {
        var a = Heartbeat("a");
        var b = Heartbeat("b");
        await a.BeatAsync();
        await b.BeatAsync();
        await _membership.CheckAsync();
        await Seconds(6, a);
        Assert.Equal(NodeState.Ready, (await Stored("a")).State);
        Assert.Equal(NodeState.Down, (await Stored("b")).State);
    }

    [Fact]
    public async Task A_down_nodes_endpoints_are_withdrawn_after_the_grace_period_and_others_are_kept()
    {
        var b = Heartbeat("b");
        await Heartbeat("a").BeatAsync();
        await b.BeatAsync();
        await PutEndpoint("net1", "e1", host: "a-host"); // by node name, as control's EndpointService writes it
        await PutEndpoint("net2", "e2", host: "a"); // by node id
        await PutEndpoint("net1", "e3", host: "b");
        await _membership.CheckAsync();

        await Seconds(5, b); // a is down now
        Assert.Contains(new MembershipChange("a", MembershipChangeKind.Down), _changes);
        await Seconds(14, b);
        Assert.DoesNotContain(_changes, c => c.Kind == MembershipChangeKind.Withdrawn);
        Assert.Equal(3, (await _store.ListAsync(Keys.EndpointsPrefix)).Count);

        await Seconds(1, b); // 15 s after being marked down
        Assert.Contains(new MembershipChange("a", MembershipChangeKind.Withdrawn, 2), _changes);
        var left = await _store.ListAsync(Keys.EndpointsPrefix);
        Assert.Equal([Keys.Endpoint("net1", "e3")], left.Select(kv => kv.Key));

        await Seconds(20, b); // withdrawn once
        Assert.Single(_changes, c => c.Kind == MembershipChangeKind.Withdrawn);
    }

    [Fact]
    public async Task A_down_node_that_beats_again_is_ready_again()
    {
        var a = Heartbeat("a");
        await a.BeatAsync();
        await _membership.CheckAsync();
        await Seconds(6);
        Assert.Equal(NodeState.Down, (await Stored("a")).State);

        await Seconds(1, a);
        Assert.Equal(MembershipChangeKind.Up, _changes[^1].Kind);
        Assert.Equal(NodeState.Ready, (await Stored("a")).State);

        await Seconds(4);
        Assert.Equal(NodeState.Ready, (await Stored("a")).State);
        await Seconds(1);
        Assert.Equal(NodeState.Down, (await Stored("a")).State); // and the clock starts again from its last beat
    }

    [Fact]
    public async Task Withdrawal_by_prefix_deletes_only_that_nodes_keys()
    {
        await _store.PutAsync("ep/a/1", "x"u8.ToArray());
        await _store.PutAsync("ep/a/2", "x"u8.ToArray());
        await _store.PutAsync("ep/ab/1", "x"u8.ToArray());
        var withdraw = EndpointWithdrawal.UnderPrefix(_store, node => $"ep/{node.Id}/");
        Assert.Equal(2, await withdraw(NodeRecord("a"), CancellationToken.None));
        Assert.Equal(["ep/ab/1"], (await _store.ListAsync("ep/")).Select(kv => kv.Key));
    }

    [Fact]
    public async Task Custom_timings_are_honoured()
    {
        var fast = new Membership(_store, (_, _) => Task.FromResult(7),
            new MembershipOptions { DownAfter = TimeSpan.FromSeconds(2), WithdrawGrace = TimeSpan.FromSeconds(3) }, _clock);
        await Heartbeat("a").BeatAsync();
        await fast.CheckAsync();
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([new MembershipChange("a", MembershipChangeKind.Down)], await fast.CheckAsync());
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([new MembershipChange("a", MembershipChangeKind.Withdrawn, 7)], await fast.CheckAsync());
    }

    [Fact]
    public async Task The_run_loops_heartbeat_and_detect_on_their_timers()
    {
        using var cts = new CancellationTokenSource();
        var beat = Heartbeat("a");
        var beating = beat.RunAsync(cts.Token);
        var down = new TaskCompletionSource();

        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
        Assert.True((await _store.GetAsync(Keys.Node("a")))!.Version >= 3, "heartbeat loop wrote once per tick");
        cts.Cancel();
        await beating;

        using var monitorStop = new CancellationTokenSource();
        var monitor = new Membership(_store, (_, _) => Task.FromResult(0), time: _clock);
        monitor.Changed += c =>
        {
            if (c.Kind == MembershipChangeKind.Down)
                down.TrySetResult();
        };
        var run = monitor.RunAsync(monitorStop.Token);
        for (var i = 0; i < 20 && !down.Task.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
        Assert.True(down.Task.IsCompleted, "the monitor loop marked the silent node down");
        monitorStop.Cancel();
        await run;
    }
}
