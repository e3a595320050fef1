using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Weft.Agent;

var socket = new Option<string>("--socket") { Description = "Unix socket to serve the API on", DefaultValueFactory = _ => AgentOptions.DefaultSocketPath };
var dataDir = new Option<string>("--data-dir") { Description = "Directory for the agent's state (SQLite store, identity)", DefaultValueFactory = _ => AgentOptions.DefaultDataDir };
var nodeName = new Option<string>("--node-name") { Description = "This host's name in the cluster", DefaultValueFactory = _ => Environment.MachineName };
var underlay = new Option<string>("--underlay-address") { Description = "IP address peers send VXLAN to", DefaultValueFactory = _ => "" };
var pool = new Option<string>("--default-address-pool") { Description = "Pool that networks without --subnet get a /24 from", DefaultValueFactory = _ => "10.0.0.0/8" };
var clusterPort = new Option<int>("--cluster-port") { Description = "TCP port of the cluster channel (mutual TLS)", DefaultValueFactory = _ => Weft.Cluster.Channel.ChannelOptions.DefaultPort };
var netnsPrefix = new Option<string>("--netns-prefix") { Description = "Prefix of the network namespaces this agent makes", DefaultValueFactory = _ => "weft" };
var dataPath = new Option<string>("--data-path")
{
    Description = "auto (plain networks on the kernel's vxlan where the kernel has it, encrypted ones on the userspace VTEP), kernel (the same, "
        + "but refuse to start without the kernel path), userspace (every network on the userspace VTEP) or off (API and control plane only); "
        + "all but off need root and --underlay-address",
    DefaultValueFactory = _ => "auto",
};
var vxlanPort = new Option<ushort>("--vxlan-port") { Description = "UDP port of VXLAN on the underlay", DefaultValueFactory = _ => Weft.Wire.VxlanHeader.DefaultPort };
var sourcePorts = new Option<int>("--vxlan-source-ports")
{
    Description = $"Outer UDP source ports VXLAN leaves from, picked per inner flow for underlay ECMP (0: all from --vxlan-port; at most {Weft.DataPlane.Devices.UdpUnderlay.MaxSourcePorts})",
    DefaultValueFactory = _ => AgentOptions.DefaultSourcePorts,
};
sourcePorts.Validators.Add(r =>
{
    var value = r.GetValueOrDefault<int>();
    if (value < 0 || value > Weft.DataPlane.Devices.UdpUnderlay.MaxSourcePorts)
        r.AddError($"--vxlan-source-ports must be 0 to {Weft.DataPlane.Devices.UdpUnderlay.MaxSourcePorts}, not {value}");
});
var certValidity = new Option<string>("--node-cert-validity")
{
    Description = "Lifetime of the node certificates this node issues as manager, as a Go duration (720h = 30 days); renewed at two thirds",
    DefaultValueFactory = _ => "720h",
};
certValidity.Validators.Add(r =>
{
    var text = r.GetValueOrDefault<string>();
    if (!Weft.Control.Services.GoDuration.TryParse(text, out var d) || d < TimeSpan.FromSeconds(10))
        r.AddError($"--node-cert-validity must be a duration of at least 10s, like 720h or 90m, not '{text}'");
});
var heartbeatTtl = new Option<string>("--heartbeat-ttl")
{
    Description = "A node silent for this long is shown down, and its endpoints are withdrawn after twice as long again (Go duration)",
    DefaultValueFactory = _ => "15s",
};
heartbeatTtl.Validators.Add(r =>
{
    var text = r.GetValueOrDefault<string>();
    if (!Weft.Control.Services.GoDuration.TryParse(text, out var d) || d < TimeSpan.FromSeconds(1))
        r.AddError($"--heartbeat-ttl must be a duration of at least 1s, like 15s or 1m, not '{text}'");
});
var dockerPluginDir = new Option<string>("--docker-plugin-dir")
{
    Description = "Directory where weftd serves Docker's network and IPAM plugin (weft.sock); dockerd looks in /run/docker/plugins; empty: no Docker plugin",
    DefaultValueFactory = _ => "/run/docker/plugins",
};
var dockerHost = new Option<string>("--docker-host")
{
    Description = "The local dockerd's API socket, for creating Weft's networks there and naming Docker containers; empty: none",
    DefaultValueFactory = _ => "unix:///var/run/docker.sock",
};
var hostDns = new Option<string>("--host-dns")
{
    Description = "Loopback address in the host's namespace where weftd answers container names for Docker's embedded DNS (list it first in the resolv.conf dockerd reads); empty: none",
    DefaultValueFactory = _ => "",
};
hostDns.Validators.Add(r =>
{
    var text = r.GetValueOrDefault<string>();
    if (!string.IsNullOrEmpty(text) && !System.Net.IPAddress.TryParse(text, out _))
        r.AddError($"--host-dns must be an IP address of this host (e.g. 127.0.0.153), not '{text}'");
});
dockerHost.Validators.Add(r =>
{
    var text = r.GetValueOrDefault<string>();
    if (!string.IsNullOrEmpty(text) && !Uri.TryCreate(text, UriKind.Absolute, out _))
        r.AddError($"--docker-host must be a URL like unix:///var/run/docker.sock, not '{text}'");
});
dataPath.AcceptOnlyFromAmong("auto", "kernel", "userspace", "off");
var root = new RootCommand("weftd: the Weft agent (one per host); serves the local API on a Unix socket") { socket, dataDir, nodeName, underlay, pool, clusterPort, netnsPrefix, dataPath, vxlanPort, sourcePorts, certValidity, heartbeatTtl, dockerPluginDir, dockerHost, hostDns };
root.SetAction(async (parse, ct) =>
{
    var options = new AgentOptions
    {
        SocketPath = parse.GetValue(socket)!,
        DataDir = parse.GetValue(dataDir)!,
        NodeName = parse.GetValue(nodeName)!,
        UnderlayAddress = parse.GetValue(underlay)!,
        DefaultAddressPool = parse.GetValue(pool)!,
        ClusterPort = parse.GetValue(clusterPort),
        NetnsPrefix = parse.GetValue(netnsPrefix)!,
        DataPathMode = Enum.Parse<Weft.DataPlane.Paths.DataPathMode>(parse.GetValue(dataPath)!, ignoreCase: true),
        VxlanPort = parse.GetValue(vxlanPort),
        SourcePorts = parse.GetValue(sourcePorts),
        HeartbeatTtl = Weft.Control.Services.GoDuration.TryParse(parse.GetValue(heartbeatTtl)!, out var ttl) ? ttl : Weft.Control.Services.ControlPlaneOptions.DefaultHeartbeatTtl,
        DockerPluginDirectory = NullIfEmpty(parse.GetValue(dockerPluginDir)),
        DockerHost = NullIfEmpty(parse.GetValue(dockerHost)),
        HostDns = NullIfEmpty(parse.GetValue(hostDns)),
        NodeCertificateValidity = Weft.Control.Services.GoDuration.TryParse(parse.GetValue(certValidity)!, out var validity) ? validity : Weft.Cluster.Pki.ClusterCa.DefaultNodeValidity,
    };
    try
    {
        await using var app = AgentHost.Build(options);
        await app.StartAsync(ct);
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or Weft.Linux.LinuxException or Weft.Control.Errors.WeftException or Weft.Cluster.ClusterException)
    {
        await Console.Error.WriteLineAsync($"Error: {e.Message}");
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();

static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
