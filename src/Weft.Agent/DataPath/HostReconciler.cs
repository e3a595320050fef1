using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Control.Model;
using Weft.Control.Reconcile;
using Weft.Control.Store;
using Weft.DataPlane.Host;
using Weft.DataPlane.Paths;
using Weft.Wire;

namespace Weft.Agent.DataPath;

/// <summary>
/// Turns the cluster's desired state into this host's data plane, level-triggered: on every store change under
/// networks/, endpoints/, keymeta/ or nodes/ (a watch from the last revision seen) and every few seconds anyway, it reads the
/// whole desired state, computes <see cref="HostDesiredState"/> for this host and converges the data path to it —
/// sandboxes, container plumbing, DNS, and each network's data path (<see cref="NetworkDataPaths"/>: kernel or userspace, given
/// the network's remote containers and peers as one plan) — adding what is missing and removing what is stale. Converging from scratch is the same code path, so after a restart the agent rebuilds from the store.
/// </summary>
public sealed partial class HostReconciler(
    AgentState state, HostDataPath dataPath, NetworkDataPaths paths, ContainerDns dns, NetworkEncryption encryption, AgentOptions options,
    ILogger<HostReconciler> logger)
    : BackgroundService
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(5);
    private readonly HashSet<(string EndpointId, string Container, uint Vni, string Interface)> _attached = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _currentWatch;
    private Dictionary<string, string> _underlayByNode = new();
    private HashSet<string> _reported = new(StringComparer.Ordinal);
    private IClusterStore? _reportedIn;

    private long _passes;

    /// <summary>
    /// How many passes have completed (counts up after each successful one). Shown as <c>ReconcilerPasses</c> in
    /// <c>/info</c>, so a test can wait for a pass that began after its own change instead of sleeping.
    /// </summary>
    public long Passes => Interlocked.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.ControlChanged += InterruptWatch; // joined or left: read the new store at once
        paths.PathBroke += _ => InterruptWatch(); // a network's path broke (its TAP reader failed): rebuild it now
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var store = state.Control.Store;
                using var resync = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _currentWatch = resync;
                var revision = await store.GetRevisionAsync(stoppingToken);
                await ReconcileAsync(stoppingToken);
                resync.CancelAfter(Resync);
                try
                {
                    await foreach (var change in store.WatchAsync("", revision + 1, resync.Token))
                    {
                        if (!IsRelevant(change)) continue;
                        await ReconcileAsync(stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // periodic resync: fall through and read everything again
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void InterruptWatch()
    {
        try
        {
            _currentWatch?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // that pass has ended already; the next one reads the new store anyway
        }
    }

    /// <summary>
    /// Networks, endpoints and key metadata always matter; a node record only when its underlay address is new or changed (heartbeats
    /// rewrite node records every second and must not cost a full pass on every host).
    /// </summary>
    private bool IsRelevant(WatchEvent change)
    {
        var key = change.Kv.Key;
        if (key.StartsWith(Keys.NetworksPrefix, StringComparison.Ordinal) || key.StartsWith(Keys.EndpointsPrefix, StringComparison.Ordinal)
            || key.StartsWith(Keys.KeyMetaPrefix, StringComparison.Ordinal)) return true;
        if (!key.StartsWith(Keys.NodesPrefix, StringComparison.Ordinal)) return false;
        if (change.Type == WatchEventType.Delete) return true;
        var node = ModelJson.Deserialize<Node>(change.Kv.Value);
        return node is null || !_underlayByNode.TryGetValue(node.Name, out var known) || known != node.UnderlayAddress;
    }

    /// <summary>One pass: read the desired state and converge the data path to it.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var store = state.Control.Store;
            var networks = await ReadAll<Network>(store, Keys.NetworksPrefix, cancellationToken);
            var endpoints = await ReadAll<Endpoint>(store, Keys.EndpointsPrefix, cancellationToken);
            var nodes = await ReadAll<Node>(store, Keys.NodesPrefix, cancellationToken);
            var desired = HostDesiredState.Compute(options.NodeName, networks, endpoints, nodes);
            await encryption.PrepareAsync(desired.Networks, store, cancellationToken); // key rings on the VTEP before any device is attached
            Apply(desired);
            await ReportRunStatesAsync(store, desired, cancellationToken);
            await ForgetVanishedCniContainersAsync(desired, cancellationToken);
            encryption.Forget(desired.Networks);
            _underlayByNode = nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First().UnderlayAddress);
            Interlocked.Increment(ref _passes);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records each container plumbed here as running (once: a restarted agent keeps its StartedAt) and forgets the
    /// records of this host's containers that are gone. What this host has reported is read from the store once per
    /// store (at start, and again after join or leave), then tracked here, so a pass costs no extra read. The state/
    /// prefix does not wake reconcilers.
    /// </summary>
    private async Task ReportRunStatesAsync(IClusterStore store, HostDesiredState desired, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(_reportedIn, store))
        {
            _reported = (await ReadAll<ContainerRunState>(store, Keys.ContainerStatesPrefix, cancellationToken))
                .Where(s => s.Host == options.NodeName).Select(s => s.ContainerId).ToHashSet(StringComparer.Ordinal);
            _reportedIn = store;
        }
        var running = desired.Local.Select(l => l.Endpoint).DistinctBy(e => e.ContainerId).ToList();
        foreach (var e in running.Where(e => !_reported.Contains(e.ContainerId)))
        {
            var record = new ContainerRunState(e.ContainerId, e.ContainerName, options.NodeName, DateTimeOffset.UtcNow);
            await store.PutAsync(Keys.ContainerState(e.ContainerId), ModelJson.Serialize(record), cancellationToken: cancellationToken);
            _reported.Add(e.ContainerId);
        }
        foreach (var gone in _reported.Except(running.Select(e => e.ContainerId)).ToList())
        {
            await store.DeleteAsync(Keys.ContainerState(gone), cancellationToken: cancellationToken);
            _reported.Remove(gone);
        }
    }

    private static async Task<List<T>> ReadAll<T>(IClusterStore store, string prefix, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        foreach (var kv in await store.ListAsync(prefix, cancellationToken))
        {
            if (ModelJson.Deserialize<T>(kv.Value) is { } item) items.Add(item);
        }
        return items;
    }

    private void Apply(HostDesiredState desired)
    {
        foreach (var network in desired.Networks)
            dataPath.EnsureSandbox(network.Vni, network.Mtu, IPv4Address.Parse(network.Gateway), network.PrefixLength);

        var wanted = new HashSet<(string, string, uint, string)>();
        foreach (var local in desired.Local)
        {
            var e = local.Endpoint;
            var attachment = new ContainerAttachment(e.Id, e.ContainerName, local.Network.Vni, local.Interface,
                IPv4Address.Parse(e.IPv4Address), e.PrefixLength, local.Network.Mtu);
            var key = (e.Id, e.ContainerName, local.Network.Vni, local.Interface);
            // Idempotent, but a few netlink calls: once per process, or again if the container's namespace vanished.
            if (!_attached.Contains(key) || !dataPath.ContainerNamespaceExists(e.ContainerName))
                dataPath.AttachContainer(attachment);
            wanted.Add(key);
        }
        foreach (var (container, names) in desired.NamesByContainer)
            dns.Ensure(dataPath.Names.Container(container), names);
        if (options.HostDns is { } hostDns) EnsureHostResolver(hostDns, desired);
        EnsureRuntimeNamespaceResolvers(desired);

        // Containers (or their attachments) that are gone.
        var remainingContainers = desired.Local.Select(l => l.Endpoint.ContainerName).ToHashSet();
        foreach (var stale in _attached.Where(a => !wanted.Contains(a)).ToList())
        {
            var last = !remainingContainers.Contains(stale.Container);
            dataPath.DetachContainer(new ContainerAttachment(stale.EndpointId, stale.Container, stale.Vni, stale.Interface, default, 0, 0), last);
            if (last) dns.Remove(dataPath.Names.Container(stale.Container));
            _attached.Remove(stale);
        }
        _attached.UnionWith(wanted);

        // Veths of other runtimes' containers (Docker's) that left while this agent did not hear it.
        foreach (var network in desired.Networks)
        {
            var ports = desired.Local.Where(l => l.Network.Vni == network.Vni).Select(l => HostNames.SandboxPort(l.Endpoint.Id))
                .Concat(desired.RuntimeEndpoints.Where(r => r.Network.Vni == network.Vni).Select(r => HostNames.SandboxPort(r.Endpoint.Id)))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var stale in dataPath.SandboxPorts(network.Vni).Where(p => !ports.Contains(p)))
                dataPath.DeleteSandboxPort(network.Vni, stale);
        }

        // Each network's data path, from one plan: its remote containers and the hosts they are on.
        foreach (var network in desired.Networks)
        {
            var remotes = desired.Remote.Where(r => r.Vni == network.Vni)
                .Select(r => new RemoteContainer(MacAddress.Parse(r.MacAddress), IPv4Address.Parse(r.IPv4Address), IPAddress.Parse(r.UnderlayAddress)))
                .ToList();
            var peers = remotes.Select(r => r.Host).Distinct().ToList();
            paths.Ensure(new NetworkPlan(network.Vni, network.Mtu, network.Encrypted, remotes, peers)
            {
                ExternalPeers = network.ExternalPeers.Select(IPAddress.Parse).ToList(),
            });
        }

        // Containers removed meanwhile (also while this agent was down): their namespaces go, and the veths with them.
        var wantedNamespaces = remainingContainers.Select(dataPath.Names.Container).ToHashSet();
        foreach (var ns in dataPath.ContainerNamespaces().Where(n => !wantedNamespaces.Contains(n)))
        {
            dns.Remove(ns);
            dataPath.DeleteContainerNamespace(ns);
        }

        // Networks this host no longer takes part in.
        var joined = desired.Networks.Select(n => n.Vni).ToHashSet();
        paths.Retain(joined);
        foreach (var vni in dataPath.SandboxVnis().Where(v => !joined.Contains(v)).ToList())
            dataPath.RemoveSandbox(vni);
        paths.ApplyAdmission();
    }

    /// <summary>
    /// CNI containers of this host whose namespace is gone: the runtime removed them without a DEL (<c>ctr run -d --cni</c>
    /// never sends one; a runtime may crash), and with the namespace went the container's interface, so the endpoint can only
    /// be stale. Its record and address go; the next pass removes its sandbox port. A namespace missing for a moment during
    /// an ADD cannot be taken for this: ADD writes the record only after finding the namespace, and holds it while plugging.
    /// </summary>
    private async Task ForgetVanishedCniContainersAsync(HostDesiredState desired, CancellationToken cancellationToken)
    {
        foreach (var runtime in desired.RuntimeEndpoints.Where(r => r.Endpoint.Runtime == EndpointRuntimes.Cni && !string.IsNullOrEmpty(r.Endpoint.Netns)))
        {
            if (File.Exists(runtime.Endpoint.Netns)) continue;
            await state.Control.Endpoints.RemoveRuntimeEndpointAsync(runtime.Endpoint, cancellationToken);
            await state.Control.Endpoints.ReleaseAddressAsync(runtime.Endpoint.NetworkId, Weft.Control.Ipam.Ipv4.Parse(runtime.Endpoint.IPv4Address, "address"), cancellationToken);
            LogCniContainerVanished(logger, runtime.Endpoint.ContainerName, runtime.Endpoint.Netns!);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CNI container {Container} is gone (its namespace {Namespace} no longer exists) without a DEL from its runtime: its endpoint is removed")]
    private static partial void LogCniContainerVanished(ILogger logger, string container, string @namespace);

    /// <summary>
    /// CNI containers of this host: Weft's resolver inside each one's namespace, with the names of its network; the
    /// resolvers of containers that left are stopped. A namespace that cannot take one now (gone, loopback not up yet) is
    /// tried again at the next pass.
    /// </summary>
    private void EnsureRuntimeNamespaceResolvers(HostDesiredState desired)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var runtime in desired.RuntimeEndpoints.Where(r => r.Endpoint.Runtime == EndpointRuntimes.Cni && !string.IsNullOrEmpty(r.Endpoint.Netns)))
        {
            var netns = runtime.Endpoint.Netns!;
            if (!File.Exists(netns)) continue;
            try
            {
                dns.EnsureInNamespace(netns, desired.NamesByNetwork.GetValueOrDefault(runtime.Network.Id) ?? []);
                wanted.Add(netns);
            }
            catch (Exception e) when (e is SocketException or Weft.Linux.LinuxException)
            {
                LogRuntimeDnsFailed(logger, netns, e.Message);
            }
        }
        dns.RetainNamespaces(wanted);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "no resolver in {Namespace} yet ({Error}); tried again at the next pass")]
    private static partial void LogRuntimeDnsFailed(ILogger logger, string @namespace, string error);

    /// <summary>The host-side resolver for Docker's containers; one that cannot listen is logged once and costs the pass nothing.</summary>
    private void EnsureHostResolver(string address, HostDesiredState desired)
    {
        try
        {
            dns.EnsureHost(IPAddress.Parse(address), desired.RuntimeNames);
        }
        catch (SocketException e)
        {
            if (_hostDnsFailed) return;
            _hostDnsFailed = true;
            LogHostDnsFailed(logger, address, e.SocketErrorCode.ToString());
        }
    }

    private bool _hostDnsFailed;

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot serve container names on {Address}:53 in this host's namespace ({Error}): Docker's containers resolve only their own daemon's containers; check --host-dns")]
    private static partial void LogHostDnsFailed(ILogger logger, string address, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reconcile pass failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
