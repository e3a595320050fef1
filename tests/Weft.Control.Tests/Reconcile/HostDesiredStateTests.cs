using Weft.Control.Model;
using Weft.Control.Reconcile;

namespace Weft.Control.Tests.Reconcile;

public class HostDesiredStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static readonly Network App = Net("n1", "app-overlay", 4096, "10.0.0.0/24", "10.0.0.1");
    private static readonly Network Db = Net("n2", "db-net", 4097, "10.0.1.0/24", "10.0.1.1");

    private static readonly Node[] Nodes =
    {
        new() { Id = "a", Name = "h1", UnderlayAddress = "198.51.100.1", Role = NodeRole.Manager, State = NodeState.Ready, LastSeen = T0 },
        new() { Id = "b", Name = "h2", UnderlayAddress = "198.51.100.2", Role = NodeRole.Worker, State = NodeState.Ready, LastSeen = T0 },
        new() { Id = "c", Name = "h3", UnderlayAddress = "198.51.100.3", Role = NodeRole.Worker, State = NodeState.Ready, LastSeen = T0 },
    };

    [Fact]
    public void A_host_joins_only_networks_with_a_local_container_and_learns_the_remote_ones()
    {
        var endpoints = new[]
        {
            Ep("e1", "container-a", App, "h1", "10.0.0.2", 1),
            Ep("e2", "container-b", App, "h2", "10.0.0.3", 2),
            Ep("e3", "db", Db, "h3", "10.0.1.2", 3),
        };
        var h1 = HostDesiredState.Compute("h1", new[] { App, Db }, endpoints, Nodes);

        var network = Assert.Single(h1.Networks);
        Assert.Equal((4096u, 1450, "10.0.0.1", 24), (network.Vni, network.Mtu, network.Gateway, network.PrefixLength));
        var local = Assert.Single(h1.Local);
        Assert.Equal(("container-a", "eth0"), (local.Endpoint.ContainerName, local.Interface));
        var remote = Assert.Single(h1.Remote);
        Assert.Equal(new DesiredRemoteEndpoint(4096, "02:42:0a:00:00:03", "10.0.0.3", "h2", "198.51.100.2"), remote);
    }

    [Fact]
    public void A_joined_network_carries_its_external_peers()
    {
        var bridged = App with { ExternalPeers = ["192.0.2.10", "192.0.2.11"] };
        var h1 = HostDesiredState.Compute("h1", new[] { bridged, Db }, new[] { Ep("e1", "container-a", bridged, "h1", "10.0.0.2", 1), Ep("e2", "db", Db, "h1", "10.0.1.2", 2) }, Nodes);
        Assert.Equal([4096u, 4097u], h1.Networks.Select(n => n.Vni));
        Assert.Equal(["192.0.2.10", "192.0.2.11"], h1.Networks[0].ExternalPeers);
        Assert.Empty(h1.Networks[1].ExternalPeers);
    }

    [Fact]
    public void A_container_on_two_networks_gets_eth0_and_eth1_and_sees_names_of_both()
    {
        var endpoints = new[]
        {
            Ep("e1", "web", App, "h1", "10.0.0.2", 1),
            Ep("e2", "web", Db, "h1", "10.0.1.5", 2),
            Ep("e3", "api", App, "h2", "10.0.0.3", 3),
            Ep("e4", "db", Db, "h3", "10.0.1.2", 4),
            Ep("e5", "other", Net("n3", "x", 4098, "10.0.2.0/24", "10.0.2.1"), "h2", "10.0.2.2", 5),
        };
        var h1 = HostDesiredState.Compute("h1", new[] { App, Db }, endpoints, Nodes);

        Assert.Equal(new[] { "eth0", "eth1" }, h1.Local.Select(l => l.Interface));
        var names = h1.NamesByContainer["web"].Select(n => (n.Name, n.IPv4Address)).Order().ToList();
        Assert.Equal(new[] { ("api", "10.0.0.3"), ("db", "10.0.1.2"), ("web", "10.0.0.2"), ("web", "10.0.1.5") }, names);
        Assert.Equal(2, h1.Remote.Count);
    }

    [Fact]
    public void Endpoints_of_unknown_hosts_are_not_programmed()
    {
        var endpoints = new[] { Ep("e1", "a", App, "h1", "10.0.0.2", 1), Ep("e2", "b", App, "h9", "10.0.0.3", 2) };
        var h1 = HostDesiredState.Compute("h1", new[] { App }, endpoints, Nodes);
        Assert.Empty(h1.Remote);
        Assert.Equal(2, h1.NamesByContainer["a"].Count);
    }

    [Fact]
    public void A_host_without_containers_wants_nothing()
    {
        var h3 = HostDesiredState.Compute("h3", new[] { App }, new[] { Ep("e1", "a", App, "h1", "10.0.0.2", 1) }, Nodes);
        Assert.Empty(h3.Networks);
        Assert.Empty(h3.Local);
        Assert.Empty(h3.Remote);
    }

    [Fact]
    public void A_Docker_container_puts_its_host_on_the_network_but_is_not_plumbed_as_a_Weft_container()
    {
        var endpoints = new[]
        {
            Ep("e1", "docker-a", App, "h1", "10.0.0.2", 1) with { Runtime = EndpointRuntimes.Docker },
            Ep("e2", "container-b", App, "h2", "10.0.0.3", 2),
        };
        var h1 = HostDesiredState.Compute("h1", new[] { App, Db }, endpoints, Nodes);
        var h2 = HostDesiredState.Compute("h2", new[] { App, Db }, endpoints, Nodes);

        Assert.Equal(4096u, Assert.Single(h1.Networks).Vni);
        Assert.Empty(h1.Local);
        Assert.Empty(h1.NamesByContainer);
        Assert.Equal("e1", Assert.Single(h1.RuntimeEndpoints).Endpoint.Id);
        Assert.Equal("10.0.0.3", Assert.Single(h1.Remote).IPv4Address);
        Assert.Equal(new DesiredRemoteEndpoint(4096, "02:42:0a:00:00:02", "10.0.0.2", "h1", "198.51.100.1"), Assert.Single(h2.Remote));
        Assert.Empty(h2.RuntimeEndpoints);
    }

    [Fact]
    public void Runtime_names_are_every_name_and_alias_on_the_networks_of_the_hosts_Docker_containers_and_Weft_containers_see_aliases()
    {
        var endpoints = new[]
        {
            Ep("e1", "docker-a", App, "h1", "10.0.0.2", 1) with { Runtime = EndpointRuntimes.Docker },
            Ep("e2", "docker-b", App, "h2", "10.0.0.3", 2) with { Runtime = EndpointRuntimes.Docker, Aliases = ["db", "primary"] },
            Ep("e3", "weft-c", App, "h2", "10.0.0.4", 3),
            Ep("e4", "elsewhere", Db, "h3", "10.0.1.2", 4),
        };
        var h1 = HostDesiredState.Compute("h1", new[] { App, Db }, endpoints, Nodes);
        var h2 = HostDesiredState.Compute("h2", new[] { App, Db }, endpoints, Nodes);

        Assert.Equal(
            new[] { ("db", "10.0.0.3"), ("docker-a", "10.0.0.2"), ("docker-b", "10.0.0.3"), ("primary", "10.0.0.3"), ("weft-c", "10.0.0.4") },
            h1.RuntimeNames.Select(n => (n.Name, n.IPv4Address)).Order().ToArray());
        Assert.All(h1.RuntimeNames, n => Assert.Equal("app-overlay", n.NetworkName));
        Assert.Contains(h2.NamesByContainer["weft-c"], n => n.Name == "db" && n.IPv4Address == "10.0.0.3");
    }

    private static Network Net(string id, string name, int vni, string subnet, string gateway) => new()
    {
        Id = id, Name = name, Driver = "overlay", Vni = vni, Subnets = new[] { new SubnetConfig(subnet, gateway) }, Mtu = 1450, Created = T0,
    };

    private static Endpoint Ep(string id, string container, Network network, string host, string ip, int minute) => new()
    {
        Id = id, ContainerName = container, ContainerId = container + "-id", NetworkId = network.Id, Host = host, IPv4Address = ip, PrefixLength = 24,
        MacAddress = "02:42:" + string.Join(':', ip.Split('.').Select(o => int.Parse(o).ToString("x2"))), Created = T0.AddMinutes(minute),
    };
}
