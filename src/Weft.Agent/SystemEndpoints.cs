using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Weft.Api.Dto;

namespace Weft.Agent;

/// <summary><c>GET /version</c> and <c>GET /info</c>.</summary>
internal static class SystemEndpoints
{
    public const string Version = "0.1.0";
    public const string ApiVersion = "1.0";

    public static void MapSystem(this IEndpointRouteBuilder app, AgentOptions options, Func<CancellationToken, Task<(int Networks, int Containers, ClusterInfo Cluster, string NodeId)>> state)
    {
        app.MapGet("/version", () => VersionInfo());
        app.MapGet("/info", async (IServiceProvider services, CancellationToken ct) =>
        {
            var (networks, containers, cluster, nodeId) = await state(ct);
            return new SystemInfo
            {
                ID = nodeId,
                Name = options.NodeName,
                Networks = networks,
                Containers = containers,
                OperatingSystem = RuntimeInformation.OSDescription,
                KernelVersion = KernelVersion(),
                Architecture = Architecture(),
                NCPU = Environment.ProcessorCount,
                DataDir = options.DataDir,
                Socket = options.SocketPath,
                UnderlayAddress = options.UnderlayAddress,
                Cluster = cluster,
                ReconcilerPasses = (services.GetService(typeof(DataPath.HostReconciler)) as DataPath.HostReconciler)?.Passes ?? 0,
                DataPlane = DataPath.DataPlaneReport.Of(services.GetService(typeof(Weft.DataPlane.Paths.NetworkDataPaths)) as Weft.DataPlane.Paths.NetworkDataPaths),
            };
        });
    }

    public static VersionInfo VersionInfo() => new()
    {
        Version = Version,
        ApiVersion = ApiVersion,
        Os = "linux",
        Arch = Architecture(),
        KernelVersion = KernelVersion(),
        Runtime = RuntimeInformation.FrameworkDescription,
    };

    // Docker's names (GOARCH) for the architectures .NET reports.
    private static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string KernelVersion()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
