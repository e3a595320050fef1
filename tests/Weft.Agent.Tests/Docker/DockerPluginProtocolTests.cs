using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Weft.Api.Dto;

namespace Weft.Agent.Tests.Docker;

/// <summary>
/// Docker's plugin protocol as weftd serves it on its plugin socket, spoken here the way dockerd speaks it (POSTs of JSON
/// with no content type, libnetwork's field names): handshake, capabilities, Weft's IPAM, network and endpoint creation,
/// and errors as <c>{"Err": …}</c> with Weft's one-line message. Joins need a data path and real dockerd: the lab tests.
/// </summary>
public sealed class DockerPluginProtocolTests : IAsyncLifetime
{
    private RunningAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await RunningAgent.StartAsync(dockerPlugin: true);

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string PluginSocket => Path.Combine(_agent.Directory, "plugins", "weft.sock");

    [Fact]
    public async Task The_handshake_names_both_apis_on_the_plugin_socket_only()
    {
        var (status, body) = await Post(PluginSocket, "/Plugin.Activate", "");
        Assert.Equal(200, status);
        Assert.Equal("""{"Implements":["NetworkDriver","IpamDriver"]}""", body);
        Assert.Equal(404, (await Post(_agent.SocketPath, "/Plugin.Activate", "")).Status);
        Assert.Equal("""{"Scope":"local","ConnectivityScope":"global"}""", (await Post(PluginSocket, "/NetworkDriver.GetCapabilities", "")).Body);
        Assert.Equal("""{"LocalDefaultAddressSpace":"weft","GlobalDefaultAddressSpace":"weft"}""", (await Post(PluginSocket, "/IpamDriver.GetDefaultAddressSpaces", "")).Body);
    }

    [Fact]
    public async Task A_pool_is_planned_from_wefts_subnets_and_an_overlapping_one_is_refused_with_wefts_message()
    {
        using var client = _agent.Client();
        await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" }); // 10.0.0.0/24
        using var pool = Json((await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft","Pool":"","SubPool":"","Options":{},"V6":false}""")).Body);
        Assert.Equal("10.0.1.0/24", pool.RootElement.GetProperty("Pool").GetString());
        var poolId = pool.RootElement.GetProperty("PoolID").GetString()!;
        using var gateway = Json((await Post(PluginSocket, "/IpamDriver.RequestAddress",
            $$$"""{"PoolID":"{{{poolId}}}","Address":"","Options":{"RequestAddressType":"com.docker.network.gateway"}}""")).Body);
        Assert.Equal("10.0.1.1/24", gateway.RootElement.GetProperty("Address").GetString());

        var (status, body) = await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft","Pool":"10.0.0.0/16","SubPool":"","V6":false}""");
        Assert.Equal(500, status);
        Assert.Equal("subnet 10.0.0.0/16 overlaps network app-overlay (10.0.0.0/24): choose a subnet outside it", Err(body));
        // The planned subnet is held for the network being created: a second create cannot take it, until Docker gives the pool up.
        Assert.Equal("10.0.2.0/24", Json((await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft"}""")).Body).RootElement.GetProperty("Pool").GetString());
        Assert.Contains("overlaps network a network Docker is creating (10.0.1.0/24)",
            Err((await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft","Pool":"10.0.1.0/24"}""")).Body));
        Assert.Equal((200, "{}"), await Post(PluginSocket, "/IpamDriver.ReleasePool", $$$"""{"PoolID":"{{{poolId}}}"}"""));
        Assert.Equal(200, (await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft","Pool":"10.0.1.0/24"}""")).Status);
        Assert.Equal("Weft networks are IPv4 only: create the network without --ipv6",
            Err((await Post(PluginSocket, "/IpamDriver.RequestPool", """{"AddressSpace":"weft","V6":true}""")).Body));
    }

    [Fact]
    public async Task Container_addresses_come_from_wefts_ipam_and_go_back_to_it()
    {
        using var client = _agent.Client();
        var id = (await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" })).Id;
        using var pool = Json((await Post(PluginSocket, "/IpamDriver.RequestPool", $$$"""{"AddressSpace":"weft","Pool":"10.0.0.0/24","Options":{"weft.network":"{{{id}}}"}}""")).Body);
        var poolId = pool.RootElement.GetProperty("PoolID").GetString()!;
        using var first = Json((await Post(PluginSocket, "/IpamDriver.RequestAddress", $$$"""{"PoolID":"{{{poolId}}}","Address":""}""")).Body);
        Assert.Equal("10.0.0.2/24", first.RootElement.GetProperty("Address").GetString());
        using var fixedOne = Json((await Post(PluginSocket, "/IpamDriver.RequestAddress", $$$"""{"PoolID":"{{{poolId}}}","Address":"10.0.0.77"}""")).Body);
        Assert.Equal("10.0.0.77/24", fixedOne.RootElement.GetProperty("Address").GetString());
        Assert.Contains("10.0.0.77 is already in use", Err((await Post(PluginSocket, "/IpamDriver.RequestAddress", $$$"""{"PoolID":"{{{poolId}}}","Address":"10.0.0.77"}""")).Body));

        await Post(PluginSocket, "/IpamDriver.ReleaseAddress", $$$"""{"PoolID":"{{{poolId}}}","Address":"10.0.0.2/24"}""");
        using var again = Json((await Post(PluginSocket, "/IpamDriver.RequestAddress", $$$"""{"PoolID":"{{{poolId}}}","Address":""}""")).Body);
        Assert.Equal("10.0.0.2/24", again.RootElement.GetProperty("Address").GetString());
    }

    [Fact]
    public async Task A_docker_network_of_a_weft_network_gets_endpoints_with_wefts_mac_and_a_bad_one_is_refused()
    {
        using var client = _agent.Client();
        var id = (await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" })).Id;
        const string dockerNetwork = "d0c4e7c2b5f1a3e8d9c6b7a4f5e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4";
        const string endpoint = "e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2";
        var create = await Post(PluginSocket, "/NetworkDriver.CreateNetwork", $$$"""
            {"NetworkID":"{{{dockerNetwork}}}","Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{"weft.network":"{{{id}}}"}},
             "IPv4Data":[{"AddressSpace":"weft","Pool":"10.0.0.0/24","Gateway":"10.0.0.1/24"}],"IPv6Data":[]}
            """);
        Assert.Equal((200, "{}"), create);

        var withMac = await Post(PluginSocket, "/NetworkDriver.CreateEndpoint",
            $$$"""{"NetworkID":"{{{dockerNetwork}}}","EndpointID":"{{{endpoint}}}","Interface":{"Address":"10.0.0.9/24","MacAddress":"6e:75:32:60:44:c9"}}""");
        Assert.Contains("leave --mac-address out", Err(withMac.Body));
        var made = await Post(PluginSocket, "/NetworkDriver.CreateEndpoint",
            $$$"""{"NetworkID":"{{{dockerNetwork}}}","EndpointID":"{{{endpoint}}}","Interface":{"Address":"10.0.0.9/24"},"Options":{}}""");
        Assert.Equal((200, """{"Interface":{"MacAddress":"02:42:0a:00:00:09"}}"""), made);
        var inspect = await client.InspectNetworkAsync("app-overlay");
        var listed = Assert.Single(inspect.Containers);
        Assert.Equal(("docker-e1d2c3b4a5f6", "10.0.0.9/24", "02:42:0a:00:00:09"), (listed.Value.Name, listed.Value.IPv4Address, listed.Value.MacAddress));

        Assert.Equal((200, "{}"), await Post(PluginSocket, "/NetworkDriver.DeleteEndpoint", $$$"""{"NetworkID":"{{{dockerNetwork}}}","EndpointID":"{{{endpoint}}}"}"""));
        Assert.Empty((await client.InspectNetworkAsync("app-overlay")).Containers);
    }

    [Fact]
    public async Task A_users_network_is_checked_before_docker_stores_it()
    {
        const string dockerNetwork = "a0c4e7c2b5f1a3e8d9c6b7a4f5e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4";
        Assert.Contains("add --ipam-driver weft", Err((await Post(PluginSocket, "/NetworkDriver.CreateNetwork",
            $$$"""{"NetworkID":"{{{dockerNetwork}}}","IPv4Data":[{"AddressSpace":"LocalDefault","Pool":"172.18.0.0/16","Gateway":"172.18.0.1/16"}]}""")).Body));
        Assert.StartsWith("unknown option 'encrypt'", Err((await Post(PluginSocket, "/NetworkDriver.CreateNetwork",
            $$$"""{"NetworkID":"{{{dockerNetwork}}}","Options":{"com.docker.network.generic":{"encrypt":""}},"IPv4Data":[{"AddressSpace":"weft","Pool":"10.5.0.0/24","Gateway":"10.5.0.1/24"}]}""")).Body));
        var malformed = await Post(PluginSocket, "/NetworkDriver.CreateNetwork", "{not json");
        Assert.Equal(400, malformed.Status);
        Assert.StartsWith("/NetworkDriver.CreateNetwork: the request is not the JSON Docker sends", Err(malformed.Body));
        using var client = _agent.Client();
        Assert.Empty(await client.ListNetworksAsync());
    }

    private static JsonDocument Json(string body) => JsonDocument.Parse(body);

    private static string Err(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("Err").GetString()!;
    }

    /// <summary>POSTs <paramref name="body"/> as dockerd does (no content type) over a Unix socket; returns status and body.</summary>
    private static async Task<(int Status, string Body)> Post(string socket, string path, string body)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        using var response = await http.PostAsync(new Uri("http://plugin" + path), content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
