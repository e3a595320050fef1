using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Weft.Agent.Tests;

/// <summary>The API's bytes on the socket, read without Weft's client: Docker's error shape and field names.</summary>
public sealed class WireFormatTests : AgentTestBase
{
    private async Task<(int Status, JsonElement Body)> RequestAsync(string method, string path, string? json = null)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Agent.SocketPath));
        var body = json is null ? "" : json;
        var request = $"{method} {path} HTTP/1.1\r\nHost: weftd\r\nConnection: close\r\n"
            + (json is null ? "" : $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n") + "\r\n" + body;
        await socket.SendAsync(Encoding.UTF8.GetBytes(request));
        using var stream = new NetworkStream(socket);
        var response = await new StreamReader(stream).ReadToEndAsync();
        var status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var content = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (response.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            content = Dechunk(content);
        }
        return (status, JsonDocument.Parse(content).RootElement.Clone());
    }

    private static string Dechunk(string chunked)
    {
        var sb = new StringBuilder();
        var rest = chunked;
        while (true)
        {
            var lineEnd = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..lineEnd], 16);
            if (size == 0)
            {
                return sb.ToString();
            }
            sb.Append(rest, lineEnd + 2, size);
            rest = rest[(lineEnd + 2 + size + 2)..];
        }
    }

    [Fact]
    public async Task ErrorsAreDockersMessageObject()
    {
        var (status, body) = await RequestAsync("GET", "/networks/nope");
        Assert.Equal(404, status);
        var property = Assert.Single(body.EnumerateObject().ToList());
        Assert.Equal("message", property.Name);
        Assert.StartsWith("network nope not found", property.Value.GetString());
    }

    [Fact]
    public async Task AnUnreadableBodyIsA400WithAMessage()
    {
        var (status, body) = await RequestAsync("POST", "/networks/create", "{not json");
        Assert.Equal(400, status);
        Assert.StartsWith("bad request body", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task NetworkJsonUsesDockersFieldNamesAndTimeFormat()
    {
        var (created, _) = await RequestAsync("POST", "/networks/create", """{"Name":"n","Driver":"overlay"}""");
        Assert.Equal(201, created);
        var (status, network) = await RequestAsync("GET", "/networks/n");
        Assert.Equal(200, status);
        Assert.Equal(["Name", "Id", "Created", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal", "Attachable", "Ingress", "Containers",
            "Options", "Labels", "Peers", "ExternalPeers", "Vni", "Mtu", "Encrypted", "EncryptionAlgorithm", "KeyEpoch", "DataPath", "DataPathReason"], network.EnumerateObject().Select(p => p.Name));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", network.GetProperty("Created").GetString());
        Assert.Equal("""[{"Subnet":"10.0.0.0/24","Gateway":"10.0.0.1"}]""", network.GetProperty("IPAM").GetProperty("Config").GetRawText());
        Assert.Equal("[]", network.GetProperty("ExternalPeers").GetRawText());
    }

    [Fact]
    public async Task AuxiliaryAddressesAndExternalPeersUseDockersAndWeftsNames()
    {
        var (created, _) = await RequestAsync("POST", "/networks/create",
            """{"Name":"n","Options":{"peers":"192.0.2.10"},"IPAM":{"Config":[{"Subnet":"10.9.0.0/24","AuxiliaryAddresses":{"router":"10.9.0.2"}}]}}""");
        Assert.Equal(201, created);
        var (_, network) = await RequestAsync("GET", "/networks/n");
        Assert.Equal("""[{"Subnet":"10.9.0.0/24","Gateway":"10.9.0.1","AuxiliaryAddresses":{"router":"10.9.0.2"}}]""",
            network.GetProperty("IPAM").GetProperty("Config").GetRawText());
        Assert.Equal("""["192.0.2.10"]""", network.GetProperty("ExternalPeers").GetRawText());
    }

    [Fact]
    public async Task PeerRoutesTakeAnAddressAndAnswerWithTheNetwork()
    {
        Assert.Equal(201, (await RequestAsync("POST", "/networks/create", """{"Name":"n"}""")).Status);
        var (added, afterAdd) = await RequestAsync("POST", "/networks/n/peers", """{"Address":"192.0.2.10"}""");
        Assert.Equal((200, """["192.0.2.10"]"""), (added, afterAdd.GetProperty("ExternalPeers").GetRawText()));
        Assert.Equal("192.0.2.10", afterAdd.GetProperty("Options").GetProperty("peers").GetString());

        var (removed, afterRemove) = await RequestAsync("DELETE", "/networks/n/peers/192.0.2.10");
        Assert.Equal((200, "[]"), (removed, afterRemove.GetProperty("ExternalPeers").GetRawText()));

        var (notPeer, error) = await RequestAsync("DELETE", "/networks/n/peers/192.0.2.10");
        Assert.Equal((404, "192.0.2.10 is not a peer of network n: it has no peers"), (notPeer, error.GetProperty("message").GetString()));
        var (bad, badError) = await RequestAsync("POST", "/networks/n/peers", """{"Address":"224.0.0.1"}""");
        Assert.Equal(400, bad);
        Assert.StartsWith("invalid peer address: 224.0.0.1 is a multicast address", badError.GetProperty("message").GetString());
        var (noAddress, noAddressError) = await RequestAsync("POST", "/networks/n/peers", "{}");
        Assert.Equal(400, noAddress);
        Assert.StartsWith("bad request body", noAddressError.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MinimalDockerStyleBodiesWork()
    {
        Assert.Equal(201, (await RequestAsync("POST", "/networks/create", """{"Name":"n"}""")).Status);
        Assert.Equal(201, (await RequestAsync("POST", "/networks/create", """{"Name":"m","Options":null,"Labels":null}""")).Status);
        var (status, created) = await RequestAsync("POST", "/containers/create?name=c", """{"HostConfig":{"NetworkMode":"n"}}""");
        Assert.Equal(201, status);
        Assert.Matches("^[0-9a-f]{64}$", created.GetProperty("Id").GetString());
        var viaEndpoints = await RequestAsync("POST", "/containers/create?name=d",
            """{"NetworkingConfig":{"EndpointsConfig":{"n":{"IPAMConfig":{"IPv4Address":"10.0.0.9"}}}}}""");
        Assert.Equal(201, viaEndpoints.Status);
        var (_, inspect) = await RequestAsync("GET", "/containers/d/json");
        Assert.Equal("10.0.0.9", inspect.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty("n").GetProperty("IPAddress").GetString());
        var (noNetwork, error) = await RequestAsync("POST", "/containers/create?name=e", "{}");
        Assert.Equal(400, noNetwork);
        Assert.Contains("needs a network", error.GetProperty("message").GetString());
    }
}
