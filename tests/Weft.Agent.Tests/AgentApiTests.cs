using System.Net;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>A real agent on a temporary socket, driven through <see cref="WeftApiClient"/>.</summary>
public sealed class AgentApiTests : AgentTestBase
{
    [Fact]
    public async Task SocketIsMode0660AndVersionAnswers()
    {
        Assert.Equal(Weft.Agent.AgentHost.SocketMode, File.GetUnixFileMode(Agent.SocketPath));
        var version = await Client.GetVersionAsync();
        Assert.Equal("linux", version.Os);
        Assert.False(string.IsNullOrEmpty(version.ApiVersion));
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), version.KernelVersion);
    }

    [Fact]
    public async Task NetworkLifecycle()
    {
        var created = await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" });
        Assert.Matches("^[0-9a-f]{64}$", created.Id);

        var inspect = await Client.InspectNetworkAsync("app-overlay");
        Assert.Equal(created.Id, inspect.Id);
        Assert.Equal("overlay", inspect.Driver);
        Assert.Equal("global", inspect.Scope);
        Assert.Equal("default", inspect.IPAM.Driver);
        var config = Assert.Single(inspect.IPAM.Config);
        Assert.Equal("10.0.0.0/24", config.Subnet);
        Assert.Equal("10.0.0.1", config.Gateway);
        Assert.InRange(inspect.Vni, 4096, 16_777_215);
        Assert.Equal(inspect.Vni.ToString(System.Globalization.CultureInfo.InvariantCulture),
            inspect.Options["com.docker.network.driver.overlay.vxlanid_list"]);
        Assert.False(inspect.Encrypted);

        Assert.Equal(created.Id, (await Client.InspectNetworkAsync(created.Id[..12])).Id);
        Assert.Equal(["app-overlay"], (await Client.ListNetworksAsync()).Select(n => n.Name));

        await Client.RemoveNetworkAsync("app-overlay");
        Assert.Empty(await Client.ListNetworksAsync());
    }

    [Fact]
    public async Task CreateWithSubnetGatewayRangeOptionsAndLabels()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest
        {
            Name = "secure-net",
            IPAM = new IpamInfo { Config = [new IpamConfig { Subnet = "10.20.0.0/16", Gateway = "10.20.0.254", IPRange = "10.20.5.0/24" }] },
            Options = new() { ["encrypted"] = "" },
            Labels = new() { ["team"] = "net" },
            Internal = true,
            Attachable = true,
        });
        var inspect = await Client.InspectNetworkAsync("secure-net");
        Assert.Equal(new IpamConfig { Subnet = "10.20.0.0/16", Gateway = "10.20.0.254", IPRange = "10.20.5.0/24" }, inspect.IPAM.Config[0]);
        Assert.True(inspect.Encrypted);
        Assert.True(inspect.Internal);
        Assert.True(inspect.Attachable);
        Assert.Equal("net", inspect.Labels["team"]);
        Assert.Equal("", inspect.Options["encrypted"]);

        await Client.CreateContainerAsync("c1", Run("secure-net"));
        var container = await Client.InspectContainerAsync("c1");
        Assert.StartsWith("10.20.5.", container.NetworkSettings.Networks["secure-net"].IPAddress);
    }

    [Fact]
    public async Task ContainerLifecycleShowsUpInNetworkAndList()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" });
        var a = await Client.CreateContainerAsync("container-a", Run("app-overlay"));
        var b = await Client.CreateContainerAsync("container-b", Run("app-overlay", "10.0.0.77"));

        var network = await Client.InspectNetworkAsync("app-overlay");
        Assert.Equal("container-a", network.Containers[a.Id].Name);
        Assert.Equal("10.0.0.2/24", network.Containers[a.Id].IPv4Address);
        Assert.Equal("02:42:0a:00:00:02", network.Containers[a.Id].MacAddress);
        Assert.Equal("10.0.0.77/24", network.Containers[b.Id].IPv4Address);
        Assert.Equal([new NetworkPeer { Name = "h1", IP = "" }], network.Peers);

        var list = await Client.ListContainersAsync();
        Assert.Equal(["/container-a", "/container-b"], list.SelectMany(c => c.Names).Order());
        Assert.All(list, c => Assert.Equal("h1", c.Node));

        var inspect = await Client.InspectContainerAsync("container-b");
        Assert.Equal("/container-b", inspect.Name);
        Assert.Equal("10.0.0.77", inspect.NetworkSettings.Networks["app-overlay"].IPAddress);
        Assert.Equal("10.0.0.1", inspect.NetworkSettings.Networks["app-overlay"].Gateway);

        await Client.RemoveContainerAsync("container-a");
        Assert.Equal(["/container-b"], (await Client.ListContainersAsync()).SelectMany(c => c.Names));
        Assert.DoesNotContain(a.Id, (await Client.InspectNetworkAsync("app-overlay")).Containers.Keys);
    }

    [Fact]
    public async Task ConnectAndDisconnectASecondNetwork()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "front" });
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "back" });
        await Client.CreateContainerAsync("web", Run("front"));

        await Client.ConnectNetworkAsync("back", new NetworkConnectRequest
        {
            Container = "web",
            EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIpamConfig { IPv4Address = "10.0.1.9" } },
        });
        var networks = (await Client.InspectContainerAsync("web")).NetworkSettings.Networks;
        Assert.Equal(["back", "front"], networks.Keys.Order());
        Assert.Equal("10.0.1.9", networks["back"].IPAddress);

        await Client.DisconnectNetworkAsync("back", new NetworkDisconnectRequest { Container = "web" });
        Assert.Equal(["front"], (await Client.InspectContainerAsync("web")).NetworkSettings.Networks.Keys);
    }

    [Fact]
    public async Task TypedErrorsBecomeStatusCodesWithMessages()
    {
        var missing = await Assert.ThrowsAsync<WeftApiException>(() => Client.InspectNetworkAsync("nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("network nope not found", missing.Message);

        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "dup" });
        var duplicate = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "dup" }));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("already exists", duplicate.Message);

        var badOption = await Assert.ThrowsAsync<WeftApiException>(() =>
            Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "x", Options = new() { ["encrypt"] = "" } }));
        Assert.Equal(HttpStatusCode.BadRequest, badOption.StatusCode);
        Assert.Contains("unknown option 'encrypt'", badOption.Message);

        var twoSubnets = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateNetworkAsync(new NetworkCreateRequest
        {
            Name = "y",
            IPAM = new IpamInfo { Config = [new IpamConfig { Subnet = "10.1.0.0/24" }, new IpamConfig { Subnet = "10.2.0.0/24" }] },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, twoSubnets.StatusCode);

        var driver = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "z", Driver = "bridge" }));
        Assert.Equal(HttpStatusCode.BadRequest, driver.StatusCode);
        Assert.Contains("overlay", driver.Message);
    }

    [Fact]
    public async Task ExternalPeersAreAddedAndRemovedThroughTheClient()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "bridged", Options = new() { ["peers"] = "198.51.100.50" } });
        Assert.Equal(["198.51.100.50", "198.51.100.51"], (await Client.AddNetworkPeerAsync("bridged", "198.51.100.51")).ExternalPeers);
        Assert.Equal(["198.51.100.50", "198.51.100.51"], (await Client.AddNetworkPeerAsync("bridged", "198.51.100.51")).ExternalPeers);
        var afterRemove = await Client.RemoveNetworkPeerAsync("bridged", "198.51.100.50");
        Assert.Equal(["198.51.100.51"], afterRemove.ExternalPeers);
        Assert.Equal("198.51.100.51", afterRemove.Options["peers"]);
        Assert.Equal(["198.51.100.51"], (await Client.InspectNetworkAsync("bridged")).ExternalPeers);

        var notPeer = await Assert.ThrowsAsync<WeftApiException>(() => Client.RemoveNetworkPeerAsync("bridged", "198.51.100.9"));
        Assert.Equal((HttpStatusCode.NotFound, "198.51.100.9 is not a peer of network bridged: its peers are 198.51.100.51"), (notPeer.StatusCode, notPeer.Message));
        var noNetwork = await Assert.ThrowsAsync<WeftApiException>(() => Client.AddNetworkPeerAsync("nope", "198.51.100.9"));
        Assert.Equal(HttpStatusCode.NotFound, noNetwork.StatusCode);
    }

    [Fact]
    public async Task AuxiliaryAddressesAreShownAndKeptFromContainers()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest
        {
            Name = "aux",
            IPAM = new IpamInfo { Config = [new IpamConfig { Subnet = "10.9.0.0/24", AuxiliaryAddresses = new() { ["router"] = "10.9.0.2" } }] },
        });
        Assert.Equal(new Dictionary<string, string> { ["router"] = "10.9.0.2" }, (await Client.InspectNetworkAsync("aux")).IPAM.Config[0].AuxiliaryAddresses);

        await Client.CreateContainerAsync("c1", Run("aux"));
        Assert.Equal("10.9.0.3", (await Client.InspectContainerAsync("c1")).NetworkSettings.Networks["aux"].IPAddress);
        var taken = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateContainerAsync("c2", Run("aux", "10.9.0.2")));
        Assert.Equal((HttpStatusCode.Conflict, "address 10.9.0.2 is reserved as auxiliary address 'router' of network aux: pick another address"),
            (taken.StatusCode, taken.Message));

        var outside = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateNetworkAsync(new NetworkCreateRequest
        {
            Name = "bad",
            IPAM = new IpamInfo { Config = [new IpamConfig { Subnet = "10.8.0.0/24", AuxiliaryAddresses = new() { ["ext"] = "10.10.0.5" } }] },
        }));
        Assert.Equal((HttpStatusCode.BadRequest, "aux-address ext=10.10.0.5 is outside subnet 10.8.0.0/24 of network bad: pick an address inside it"),
            (outside.StatusCode, outside.Message));
    }

    [Fact]
    public async Task RemovingANetworkWithContainersIsAConflict()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "busy" });
        await Client.CreateContainerAsync("c", Run("busy"));
        var error = await Assert.ThrowsAsync<WeftApiException>(() => Client.RemoveNetworkAsync("busy"));
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains("remove them first", error.Message);
    }

    [Fact]
    public async Task ContainerWithoutNetworkOrNameIsABadRequest()
    {
        var noNetwork = await Assert.ThrowsAsync<WeftApiException>(() => Client.CreateContainerAsync("c", new ContainerCreateRequest()));
        Assert.Equal(HttpStatusCode.BadRequest, noNetwork.StatusCode);
        Assert.Contains("--network", noNetwork.Message);
    }

    [Fact]
    public async Task ExecWithoutADataPathIs501AndUnknownContainerIs404()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "n" });
        await Client.CreateContainerAsync("c", Run("n"));
        var notYet = await Assert.ThrowsAsync<WeftApiException>(() => Client.ExecAsync("c", new ExecRequest { Cmd = ["true"] }));
        Assert.Equal(HttpStatusCode.NotImplemented, notYet.StatusCode);
        Assert.Contains("this agent runs without a data path (--data-path off)", notYet.Message);

        var unknown = await Assert.ThrowsAsync<WeftApiException>(() => Client.ExecAsync("ghost", new ExecRequest { Cmd = ["true"] }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task DiagnoseWithoutADataPathIs501AndAnUnknownNetworkIs404()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "n" });
        var notHere = await Assert.ThrowsAsync<WeftApiException>(() => Client.DiagnoseNetworkAsync("n"));
        Assert.Equal(HttpStatusCode.NotImplemented, notHere.StatusCode);
        Assert.Contains("without a data path (--data-path off)", notHere.Message);
        var unknown = await Assert.ThrowsAsync<WeftApiException>(() => Client.DiagnoseNetworkAsync("ghost"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task InfoCountsNetworksAndContainers()
    {
        await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "n" });
        await Client.CreateContainerAsync("c", Run("n"));
        var info = await Client.GetInfoAsync();
        Assert.Equal((1, 1, "h1", Agent.SocketPath), (info.Networks, info.Containers, info.Name, info.Socket));
    }

    [Fact]
    public async Task StateSurvivesAnAgentRestart()
    {
        var created = await Client.CreateNetworkAsync(new NetworkCreateRequest { Name = "durable" });
        await Client.CreateContainerAsync("c", Run("durable"));
        await Agent.StopAsync();
        Assert.False(File.Exists(Agent.SocketPath));
        await Agent.StartAsync();
        var network = await Client.InspectNetworkAsync("durable");
        Assert.Equal(created.Id, network.Id);
        Assert.Single(network.Containers);
    }

    private static ContainerCreateRequest Run(string network, string? ip = null) => new()
    {
        HostConfig = new HostConfig { NetworkMode = network },
        NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new() { [network] = new EndpointSettings { IPAMConfig = ip is null ? null : new EndpointIpamConfig { IPv4Address = ip } } },
        },
    };
}
