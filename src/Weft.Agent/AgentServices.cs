using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Weft.Agent.Cni;
using Weft.Agent.DataPath;
using Weft.Agent.Docker;
using Weft.DataPlane;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Host;
using Weft.DataPlane.Kernel;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Userspace;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Agent;

/// <summary>The agent's state (control plane over the local SQLite store or the cluster's) and the endpoint map.</summary>
internal static partial class AgentServices
{
    public const string StoreFileName = "store.db";

    /// <summary>VXLAN adds 50 bytes (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8).</summary>
    public const int VxlanOverhead = 50;

    public static void Add(IServiceCollection services, AgentOptions options)
    {
        services.AddSingleton<IClusterStore>(_ => new SqliteClusterStore(Path.Combine(options.DataDir, StoreFileName)));
        services.AddSingleton(provider => new ControlPlaneOptions
        {
            DefaultMtu = UnderlayMtu(options.UnderlayAddress, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Weft.DataPath")) - VxlanOverhead,
            EncryptionOverhead = Vtep.SealOverhead,
            DefaultPool = options.DefaultAddressPool,
            HeartbeatTtl = options.HeartbeatTtl,
        });
        services.AddSingleton<AgentState>();
        services.AddSingleton<Membership>();
        services.AddHostedService(provider => provider.GetRequiredService<Membership>());
        services.AddHostedService<NetworkKeyScheduler>();
        services.AddHostedService<CertificateRenewal>();
        if (options.DataPath) AddDataPath(services, options);
        if (DockerPluginSocket(options) is not null) AddDockerPlugin(services, options);
    }

    /// <summary>The socket of Docker's plugin API (<c>weft.sock</c> in <c>--docker-plugin-dir</c>), or null when weftd serves none.</summary>
    public static string? DockerPluginSocket(AgentOptions options) =>
        options.DockerPluginDirectory is { } dir && options.DockerHost is not null ? Path.Combine(dir, "weft.sock") : null;

    /// <summary>Docker's network and IPAM plugin, and the sync that makes Weft's networks on this host's dockerd.</summary>
    private static void AddDockerPlugin(IServiceCollection services, AgentOptions options)
    {
        services.AddSingleton(_ => new DockerEngine(options.DockerHost!));
        services.AddSingleton(provider => new DockerNetworkMap(() => provider.GetRequiredService<AgentState>().Control.Store, options.NodeName));
        services.AddSingleton<DockerNames>();
        services.AddSingleton<DockerIpamDriver>();
        services.AddSingleton<DockerNetworkDriver>();
        services.AddSingleton<DockerNetworkSync>();
        services.AddHostedService(provider => provider.GetRequiredService<DockerNetworkSync>());
    }

    /// <summary>
    /// The data path: the kernel path's availability (probed once, here, before anything binds), the userspace VTEP's
    /// underlay socket (on the VXLAN port when it is the only VTEP, on a free port behind the admission table when the kernel
    /// owns the VXLAN port), sandboxes and containers, each network's path, DNS, and the reconciler driving them.
    /// </summary>
    private static void AddDataPath(IServiceCollection services, AgentOptions options)
    {
        if (!IPAddress.TryParse(options.UnderlayAddress, out var underlay))
            throw new InvalidOperationException("start weftd: the data path needs --underlay-address (the IP peers send VXLAN to), or pass --data-path off");
        var selection = SelectDataPath(options);
        var offloads = OffloadSettings.FromEnvironment(); // WEFT_OFFLOADS=off forces the plain data path
        services.AddSingleton(selection);
        services.AddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Weft.DataPath");
            var socket = selection.UsesKernel ? BindBesideKernel(underlay, offloads, options, logger) : new UdpUnderlay(null, underlay, options.VxlanPort, offloads, options.SourcePorts);
            LogDataPathMode(logger, selection.Describe());
            if (offloads.Enabled && !(socket.Features.UdpSegmentation && socket.Features.UdpGro)) LogUdpOffloadsMissing(logger, socket.Features.ToString());
            LogDataPathFeatures(logger, socket.Features.ToString(), offloads.Enabled ? "on" : $"off ({OffloadSettings.EnvironmentVariable})");
            return socket;
        });
        services.AddSingleton(provider =>
        {
            var vtep = new Vtep(provider.GetRequiredService<UdpUnderlay>(), logger: provider.GetRequiredService<ILogger<Vtep>>());
            vtep.Start();
            return vtep;
        });
        services.AddSingleton(provider => new HostDataPath(new HostNames(options.NetnsPrefix), provider.GetRequiredService<ILogger<HostDataPath>>()));
        services.AddSingleton(provider => new NetworkDataPaths(
            selection, provider.GetRequiredService<HostDataPath>(), provider.GetRequiredService<Vtep>(),
            new TapFactory(offloads, provider.GetRequiredService<ILogger<TapFactory>>()), underlay, options.VxlanPort,
            VxlanAdmission.Probe(null, out _) ? new VxlanAdmission(null, options.VxlanPort, provider.GetRequiredService<ILogger<VxlanAdmission>>()) : null,
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(provider => new NetworkDiagnostics(options, provider.GetRequiredService<NetworkDataPaths>()));
        services.AddHostedService<DiagnosisResponder>();
        services.AddSingleton<ContainerDns>();
        services.AddSingleton<NetworkEncryption>();
        services.AddSingleton<HostReconciler>();
        services.AddSingleton<Cni.CniAttachments>();
        services.AddHostedService(provider => provider.GetRequiredService<HostReconciler>());
    }

    /// <summary>
    /// The userspace VTEP's socket on a host whose kernel owns the VXLAN port: on the port it had before a restart
    /// (<see cref="VtepPort"/>), so the admission table that steers to it stays right, else on a free one.
    /// </summary>
    private static UdpUnderlay BindBesideKernel(IPAddress underlay, OffloadSettings offloads, AgentOptions options, ILogger logger)
    {
        var remembered = VtepPort.Remembered(options.DataDir);
        UdpUnderlay socket;
        try
        {
            socket = new UdpUnderlay(null, underlay, remembered, offloads, options.SourcePorts);
        }
        catch (Weft.Linux.LinuxException) when (remembered != 0)
        {
            LogVtepPortTaken(logger, remembered);
            socket = new UdpUnderlay(null, underlay, 0, offloads, options.SourcePorts);
        }
        VtepPort.Remember(options.DataDir, socket.LocalEndpoint.Port);
        return socket;
    }

    /// <summary>
    /// Decides once, at start, which path plain networks take: <c>auto</c> and <c>kernel</c> probe the kernel in a scratch
    /// namespace of this agent's (<c>&lt;netns-prefix&gt;-probe</c>); <c>kernel</c> refuses to start without it.
    /// </summary>
    private static DataPathSelection SelectDataPath(AgentOptions options)
    {
        if (options.DataPathMode == DataPathMode.Userspace) return new DataPathSelection(DataPathMode.Userspace, false, "not probed (--data-path userspace)");
        var (available, reason) = KernelSupport.Probe($"{options.NetnsPrefix}-probe");
        if (!available && options.DataPathMode == DataPathMode.Kernel)
            throw new InvalidOperationException($"start weftd: --data-path kernel, but {reason}; start with --data-path auto (the userspace VTEP where the kernel cannot) or userspace");
        return new DataPathSelection(options.DataPathMode, available, reason);
    }

    public static void MapEndpoints(WebApplication app, AgentOptions options)
    {
        var state = app.Services.GetRequiredService<AgentState>();
        state.Resume();
        var membership = app.Services.GetRequiredService<Membership>();
        app.MapSystem(options, async ct => (
            (await state.Control.Networks.ListAsync(ct)).Count,
            (await state.Control.Endpoints.ListContainersAsync(ct)).Count,
            state.Info,
            membership.NodeId ?? state.Info.NodeID));
        app.MapNetworks();
        app.MapContainers(options);
        app.MapCluster();
        app.MapCni();
        if (DockerPluginSocket(options) is not null) app.MapDockerPlugin();
    }

    /// <summary>The MTU an underlay falls back to when its interface cannot be found (Ethernet's).</summary>
    public const int FallbackUnderlayMtu = 1500;

    /// <summary>
    /// MTU of the interface holding the underlay address (asked over rtnetlink in this namespace). Without an underlay
    /// address (data path off) it is Ethernet's 1500; with one that no interface holds, also 1500 but with a warning naming
    /// the address, since networks created here then get an MTU that may not fit the real underlay.
    /// </summary>
    public static int UnderlayMtu(string underlayAddress, ILogger logger)
    {
        if (!IPAddress.TryParse(underlayAddress, out var address)) return FallbackUnderlayMtu;
        try
        {
            return HostDataPath.UnderlayMtu(address);
        }
        catch (InvalidOperationException e)
        {
            LogUnderlayMtuUnknown(logger, address.ToString(), e.Message, FallbackUnderlayMtu, FallbackUnderlayMtu - VxlanOverhead);
            return FallbackUnderlayMtu;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "underlay MTU unknown for {Address} ({Reason}): assuming {Mtu}, so new networks get MTU {NetworkMtu}; check --underlay-address")]
    private static partial void LogUnderlayMtuUnknown(ILogger logger, string address, string reason, int mtu, int networkMtu);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the userspace VTEP's port {Port} of the last run is taken now; listening on a free one (encrypted networks and probes reach it once the first reconcile pass rewrites the admission table)")]
    private static partial void LogVtepPortTaken(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "data path {Mode}")]
    private static partial void LogDataPathMode(ILogger logger, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "underlay data path: {Features} (offloads {Setting}; TAP offloads are set per network)")]
    private static partial void LogDataPathFeatures(ILogger logger, string features, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP GSO/GRO not available, falling back where missing: {Features}")]
    private static partial void LogUdpOffloadsMissing(ILogger logger, string features);
}
