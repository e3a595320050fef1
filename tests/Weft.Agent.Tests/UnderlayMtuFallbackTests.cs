using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>
/// The network MTU comes from the underlay interface; when no interface holds the underlay address weftd still starts
/// (with Ethernet's 1500, so networks get 1450) but says so: a warning naming the address, not a silent default.
/// </summary>
public sealed class UnderlayMtuFallbackTests
{
    [Fact]
    public async Task An_underlay_address_no_interface_holds_gives_1450_with_a_warning_naming_the_address()
    {
        const string missing = "198.51.100.250"; // TEST-NET-2, only ever assigned inside lab namespaces
        using var logs = new FakeLoggerProvider();
        await using var agent = await RunningAgent.StartAsync(underlayAddress: missing, logs: logs);
        using var client = new WeftApiClient(agent.SocketPath);

        await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "net" });

        Assert.Equal(1450, (await client.InspectNetworkAsync("net")).Mtu);
        var warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("underlay MTU", StringComparison.Ordinal));
        Assert.Contains(missing, warning.Message);
        Assert.Contains("1450", warning.Message);
    }

    [Fact]
    public async Task Without_an_underlay_address_networks_get_1450_and_nothing_is_logged_about_it()
    {
        using var logs = new FakeLoggerProvider();
        await using var agent = await RunningAgent.StartAsync(logs: logs);
        using var client = new WeftApiClient(agent.SocketPath);

        await client.CreateNetworkAsync(new NetworkCreateRequest { Name = "net" });

        Assert.Equal(1450, (await client.InspectNetworkAsync("net")).Mtu);
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Message.Contains("underlay MTU", StringComparison.Ordinal));
    }
}
