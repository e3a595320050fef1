using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Weft.Agent;
using Weft.Api;

namespace Weft.Agent.Tests;

/// <summary>A real weftd, in process, on a temporary socket with a temporary data directory; removed on dispose.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private WebApplication? _app;

    private RunningAgent(string directory, AgentOptions options)
    {
        Directory = directory;
        Options = options;
    }

    public string Directory { get; }

    public AgentOptions Options { get; }

    public string SocketPath => Options.SocketPath;

    private ILoggerProvider? Logs { get; init; }

    /// <summary>A fresh temp directory (short, so the socket path stays under the 108-byte sun_path limit).</summary>
    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wa" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <param name="logs">Receives the agent's log records (by default they are dropped).</param>
    public static async Task<RunningAgent> StartAsync(string? directory = null, string nodeName = "h1", string defaultPool = "10.0.0.0/8",
        string underlayAddress = "", TimeSpan? nodeCertificateValidity = null, TimeSpan? heartbeatTtl = null, ILoggerProvider? logs = null,
        bool dockerPlugin = false)
    {
        directory ??= NewDirectory();
        var agent = new RunningAgent(directory, new AgentOptions
        {
            SocketPath = Path.Combine(directory, "weftd.sock"),
            DataDir = Path.Combine(directory, "data"),
            NodeName = nodeName,
            DefaultAddressPool = defaultPool,
            UnderlayAddress = underlayAddress,
            ClusterPort = 0,
            NodeCertificateValidity = nodeCertificateValidity ?? Weft.Cluster.Pki.ClusterCa.DefaultNodeValidity,
            HeartbeatTtl = heartbeatTtl ?? Weft.Control.Services.ControlPlaneOptions.DefaultHeartbeatTtl,
            // Docker's plugin socket in the temp directory, and a dockerd that never appears there (the sync just waits).
            DockerPluginDirectory = dockerPlugin ? Path.Combine(directory, "plugins") : null,
            DockerHost = dockerPlugin ? $"unix://{Path.Combine(directory, "no-dockerd.sock")}" : null,
        })
        {
            Logs = logs,
        };
        await agent.StartAsync();
        return agent;
    }

    public async Task StartAsync()
    {
        _app = AgentHost.Build(Options, logging =>
        {
            logging.ClearProviders();
            if (Logs is not null) logging.AddProvider(Logs);
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public WeftApiClient Client() => new(SocketPath);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
