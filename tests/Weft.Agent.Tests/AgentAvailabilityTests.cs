using System.Net.Sockets;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

public sealed class AgentAvailabilityTests
{
    [Fact]
    public async Task MissingSocketNamesItAndSaysHowToStartTheAgent()
    {
        var directory = RunningAgent.NewDirectory();
        try
        {
            var socket = Path.Combine(directory, "weftd.sock");
            using var client = new WeftApiClient(socket);
            var error = await Assert.ThrowsAsync<WeftAgentUnavailableException>(() => client.GetVersionAsync());
            Assert.Equal(socket, error.SocketPath);
            Assert.Contains($"unix://{socket}", error.Message);
            Assert.Contains("no such socket", error.Message);
            Assert.Contains("weftd --socket", error.Message);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Fact]
    public async Task SocketFileWithoutListenerIsConnectionRefused()
    {
        var directory = RunningAgent.NewDirectory();
        // Bound but never listening: the socket file exists and connecting to it is refused (ECONNREFUSED).
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var socketPath = Path.Combine(directory, "weftd.sock");
            dead.Bind(new UnixDomainSocketEndPoint(socketPath));
            using var client = new WeftApiClient(socketPath);
            var error = await Assert.ThrowsAsync<WeftAgentUnavailableException>(() => client.ListNetworksAsync());
            Assert.Contains("connection refused", error.Message);

            // A stale socket file does not stop a new agent from starting there.
            await using var agent = await RunningAgent.StartAsync(directory);
            Assert.Empty(await client.ListNetworksAsync());
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }
    }

    [Fact]
    public async Task ASecondAgentOnALiveSocketIsRefused()
    {
        await using var agent = await RunningAgent.StartAsync();
        var error = Assert.Throws<InvalidOperationException>(() => Weft.Agent.AgentHost.Build(agent.Options with { DataDir = Path.Combine(agent.Directory, "other") }));
        Assert.Contains("already listening", error.Message);
        using var client = agent.Client();
        Assert.Equal("linux", (await client.GetVersionAsync()).Os);
    }

    [Fact]
    public async Task ExhaustedDefaultPoolIsAConflictThatSaysToPassASubnet()
    {
        await using var agent = await RunningAgent.StartAsync(defaultPool: "10.0.0.0/23");
        using var client = agent.Client();
        await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "one" });
        await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "two" });
        var error = await Assert.ThrowsAsync<WeftApiException>(() => client.CreateNetworkAsync(new NetworkCreateRequest { Name = "three" }));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains("exhausted", error.Message);
    }
}
