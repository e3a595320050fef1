using Weft.Api;

namespace Weft.Agent.Tests;

/// <summary>A real agent in process on a temporary socket and data dir for each test, and a client to it.</summary>
public abstract class AgentTestBase : IAsyncLifetime
{
    private WeftApiClient? _client;

    protected RunningAgent Agent { get; private set; } = null!;

    protected WeftApiClient Client => _client ??= Agent.Client();

    public async Task InitializeAsync() => Agent = await RunningAgent.StartAsync();

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await Agent.DisposeAsync();
    }
}
