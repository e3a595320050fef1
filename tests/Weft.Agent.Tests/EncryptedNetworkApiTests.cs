using System.Net;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>Encrypted networks through the API of a real (standalone) agent: MTU, inspect's key fields, rotate-key.</summary>
public sealed class EncryptedNetworkApiTests : AgentTestBase
{
    private Task Create(string name, Dictionary<string, string>? options = null) =>
        Client.CreateNetworkAsync(new NetworkCreateRequest { Name = name, Options = options ?? [] });

    [Fact]
    public async Task Inspect_shows_algorithm_epoch_and_next_rotation_and_the_mtu_loses_the_seal_overhead()
    {
        await Create("plain");
        await Create("secure", new() { ["encrypted"] = "" });
        await Create("off", new() { ["encrypted"] = "false" });

        var plain = await Client.InspectNetworkAsync("plain");
        var secure = await Client.InspectNetworkAsync("secure");
        Assert.True(secure.Encrypted);
        Assert.Equal("AES-256-GCM", secure.EncryptionAlgorithm);
        Assert.Equal(1u, secure.KeyEpoch);
        Assert.NotNull(secure.NextKeyRotation);
        Assert.InRange(secure.NextKeyRotation!.Value - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12));
        Assert.Equal(plain.Mtu - 32, secure.Mtu);

        var off = await Client.InspectNetworkAsync("off");
        Assert.False(off.Encrypted);
        Assert.Equal("", off.EncryptionAlgorithm);
        Assert.Equal(0u, off.KeyEpoch);
        Assert.Null(off.NextKeyRotation);
        Assert.Equal(plain.Mtu, off.Mtu);
    }

    [Fact]
    public void The_data_directory_holding_the_keys_is_root_only()
    {
        Assert.Equal(AgentHost.DataDirMode, File.GetUnixFileMode(Agent.Options.DataDir));
        Assert.Equal((UnixFileMode)0b111_000_000, AgentHost.DataDirMode);
    }

    [Fact]
    public async Task A_data_directory_that_already_exists_with_mode_0755_becomes_root_only_when_the_agent_starts()
    {
        var directory = RunningAgent.NewDirectory();
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101); // the process umask may have narrowed the create mode
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(data));

        await using var agent = await RunningAgent.StartAsync(directory);

        Assert.Equal(data, agent.Options.DataDir);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data));
    }

    [Fact]
    public async Task A_running_agent_rotates_a_network_key_on_its_own_after_encryption_rotation()
    {
        await Create("fast", new() { ["encrypted"] = "", ["encryption-rotation"] = "3s" });
        await Create("slow", new() { ["encrypted"] = "", ["encryption-rotation"] = "1h" });
        var before = await Client.InspectNetworkAsync("fast");
        Assert.Equal(1u, before.KeyEpoch);
        Assert.InRange(before.NextKeyRotation!.Value - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromSeconds(3));

        // No rotate-key: the agent's key scheduler starts the rotation when it is due (3 s) and activates epoch 2 2 s later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await Client.InspectNetworkAsync("fast")).KeyEpoch < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var after = await Client.InspectNetworkAsync("fast");
        Assert.Equal(2u, after.KeyEpoch);
        Assert.True(after.NextKeyRotation > before.NextKeyRotation, "the next rotation was scheduled anew");
        Assert.Equal(1u, (await Client.InspectNetworkAsync("slow")).KeyEpoch); // not due: untouched
    }

    [Fact]
    public async Task Rotate_key_adds_an_epoch_that_becomes_the_send_epoch_after_the_delay()
    {
        await Create("secure", new() { ["encrypted"] = "", ["encryption-rotation"] = "1h" });
        var before = await Client.InspectNetworkAsync("secure");
        Assert.InRange(before.NextKeyRotation!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        var rotated = await Client.RotateNetworkKeyAsync("secure");
        Assert.Equal("secure", rotated.Name);
        Assert.Equal(1u, rotated.KeyEpoch); // installed everywhere first, sealing with it follows
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await Client.InspectNetworkAsync("secure")).KeyEpoch != 2 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(2u, (await Client.InspectNetworkAsync("secure")).KeyEpoch);
    }

    [Fact]
    public async Task Rotating_a_plain_network_is_a_400_that_says_why()
    {
        await Create("plain");
        var e = await Assert.ThrowsAsync<WeftApiException>(() => Client.RotateNetworkKeyAsync("plain"));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("network plain is not encrypted: nothing to rotate", e.Message);
        var missing = await Assert.ThrowsAsync<WeftApiException>(() => Client.RotateNetworkKeyAsync("nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
