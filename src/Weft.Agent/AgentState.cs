// Design note: which store the control plane works on depends on the node's place in the cluster.
// Standalone (no credentials) and manager: the local SQLite store under --data-dir; the manager also serves it to
// the cluster over the mutual-TLS channel (Weft.Cluster's ManagerChannel: join + store on a ClusterServer bound to the
// underlay address). Worker: a RemoteClusterStore through a ClusterClient to the manager, so every invariant is
// still one compare-and-swap in the manager's store. `cluster init` / `join` / `leave` switch the current
// ControlPlane; credentials live in <data-dir>/cluster (written by Weft.Cluster's ClusterSetup) and the manager's
// address in <data-dir>/cluster/manager, so a restarted agent comes back in the same role.
using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Api.Dto;
using Weft.Cluster;
using Weft.Cluster.Channel;
using Weft.Cluster.Join;
using Weft.Cluster.KeyDistribution;
using Weft.Cluster.Pki;
using Weft.Cluster.Store;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Agent;

public enum ClusterRole
{
    Standalone,
    Manager,
    Worker,
}

/// <summary>The agent's current control plane and cluster role; swapped by cluster init, join and leave.</summary>
public sealed partial class AgentState : IAsyncDisposable
{
    private const string ManagerFile = "manager";

    /// <summary>Certificate node ids of nodes that left; the manager's channel refuses them although their certificates are still valid.</summary>
    public const string RevokedPrefix = "cluster/revoked/";

    private readonly AgentOptions _options;
    private readonly IClusterStore _localStore;
    private readonly ControlPlaneOptions _controlOptions;
    private readonly ILogger<AgentState> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ManagerCredentials? _manager;
    private ClusterServer? _server;
    private NodeIdentity? _identity;
    private ClusterClient? _client;
    private RemoteClusterStore? _remote;
    private KeyClient? _keyClient;
    private ControlPlane _control;

    public AgentState(AgentOptions options, IClusterStore localStore, ControlPlaneOptions controlOptions, ILogger<AgentState> logger)
    {
        _options = options;
        _localStore = localStore;
        _controlOptions = controlOptions;
        _logger = logger;
        _control = new ControlPlane(localStore, controlOptions);
        ClusterDirectory = Path.Combine(options.DataDir, "cluster");
        LocalKeys = new NetworkKeyService(localStore);
    }

    /// <summary>Encrypted networks' keys in the local store: the cluster's when this node is the manager (or standalone).</summary>
    public NetworkKeyService LocalKeys { get; }

    /// <summary>True when this node makes the keys (manager or standalone); a worker asks the manager.</summary>
    public bool MakesKeys => Role != ClusterRole.Worker;

    /// <summary>
    /// The epochs and keys of encrypted network <paramref name="networkId"/> for this host (which must have an endpoint on
    /// it): from the local store on the manager, over the cluster channel (keys.get) on a worker.
    /// </summary>
    public Task<NetworkKeys> GetNetworkKeysAsync(string networkId, CancellationToken ct) =>
        _keyClient is { } client && Role == ClusterRole.Worker
            ? client.GetAsync(networkId, ct)
            : LocalKeys.GetForMemberAsync(networkId, _options.NodeName, ct);

    /// <summary>
    /// Like <see cref="GetNetworkKeysAsync"/> for a new key ring: the keys include a fresh epoch (keys.get-fresh on a
    /// worker), the only one (with later ones) the ring may accept inbound.
    /// </summary>
    public Task<NetworkKeys> GetFreshNetworkKeysAsync(string networkId, CancellationToken ct) =>
        _keyClient is { } client && Role == ClusterRole.Worker
            ? client.GetFreshAsync(networkId, ct)
            : LocalKeys.GetFreshForMemberAsync(networkId, _options.NodeName, ct);

    /// <summary>Starts a key rotation of encrypted <paramref name="network"/> now: on the manager, or forwarded to it (keys.rotate).</summary>
    public Task<NetworkKeyMeta> RotateKeyAsync(Network network, CancellationToken ct)
    {
        NetworkKeyService.RequireEncrypted(network);
        return _keyClient is { } client && Role == ClusterRole.Worker ? client.RotateAsync(network.Id, ct) : LocalKeys.RotateAsync(network, ct);
    }

    /// <summary>The control plane on the store of the current role; replaced (and <see cref="ControlChanged"/> raised) by init, join and leave.</summary>
    public ControlPlane Control
    {
        get => _control;
        private set
        {
            _control = value;
            ControlChanged?.Invoke();
        }
    }

    /// <summary>Raised after <see cref="Control"/> switched to another store (the reconciler re-reads from it at once).</summary>
    public event Action? ControlChanged;

    public ClusterRole Role { get; private set; }

    public string ManagerAddress { get; private set; } = "";

    public string ClusterDirectory { get; }

    public ClusterInfo Info => new()
    {
        LocalNodeState = Role == ClusterRole.Standalone ? "inactive" : "active",
        NodeID = _identity?.NodeId ?? _manager?.Identity.NodeId ?? "",
        ControlAvailable = Role == ClusterRole.Manager,
        ManagerAddress = ManagerAddress,
    };

    /// <summary>Comes back in the role the data directory records (called once at start).</summary>
    public void Resume()
    {
        if (ClusterSetup.IsManager(ClusterDirectory))
        {
            StartManager(ClusterSetup.LoadManager(ClusterDirectory));
        }
        else if (ClusterSetup.IsMember(ClusterDirectory))
        {
            var manager = ParseEndpoint(File.ReadAllText(Path.Combine(ClusterDirectory, ManagerFile)).Trim(), "manager address");
            StartWorker(NodeIdentity.Load(ClusterDirectory), manager);
        }
    }

    public async Task<ClusterInitResponse> InitAsync(ClusterInitRequest request, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            RequireStandalone("cluster init");
            var listen = Advertise(request.AdvertiseAddr, "cluster init");
            var credentials = ClusterSetup.Init(ClusterDirectory, _options.NodeName, listen.Address, nodeCertificateValidity: _options.NodeCertificateValidity);
            StartManager(credentials, listen.Port);
            return new ClusterInitResponse { NodeID = credentials.Identity.NodeId, JoinToken = credentials.Token.Text, ManagerAddress = ManagerAddress };
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ClusterJoinResponse> JoinAsync(ClusterJoinRequest request, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            RequireStandalone("cluster join");
            var networks = await Control.Networks.ListAsync(ct);
            var containers = await Control.Endpoints.ListContainersAsync(ct);
            if (networks.Count > 0 || containers.Count > 0)
            {
                throw new WeftConflictException(
                    $"cluster join: this agent already has {networks.Count} network(s) and {containers.Count} container(s) of its own; remove them first (weft rm, weft network rm)");
            }
            var manager = ParseEndpoint(request.RemoteAddr, "manager address");
            var self = Advertise(request.AdvertiseAddr, "cluster join");
            var identity = await ClusterSetup.JoinAsync(ClusterDirectory, request.JoinToken, manager, _options.NodeName, self.Address, cancellationToken: ct);
            File.WriteAllText(Path.Combine(ClusterDirectory, ManagerFile), manager + "\n");
            StartWorker(identity, manager);
            return new ClusterJoinResponse { NodeID = identity.NodeId };
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task LeaveAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            switch (Role)
            {
                case ClusterRole.Standalone:
                    throw new WeftConflictException("cluster leave: this node is not in a cluster");
                case ClusterRole.Manager:
                    throw new WeftConflictException("cluster leave: this node is the manager and holds the cluster's store; the other nodes would lose it");
            }
            var leaving = Control;
            try
            {
                await leaving.Nodes.RemoveAsync(_options.NodeName, ct);
            }
            catch (WeftNotFoundException)
            {
                // never registered (no underlay address): nothing to remove from the cluster
            }
            await _remote!.PutAsync(RevokedPrefix + _identity!.NodeId, System.Text.Encoding.UTF8.GetBytes(_options.NodeName), cancellationToken: ct);
            await StopWorkerAsync();
            foreach (var file in new[] { NodeIdentity.CertificateFile, NodeIdentity.KeyFile, ClusterCa.CertificateFile, ManagerFile })
            {
                File.Delete(Path.Combine(ClusterDirectory, file));
            }
            Control = new ControlPlane(_localStore, _controlOptions);
            Role = ClusterRole.Standalone;
            ManagerAddress = "";
            Left(_logger);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void StartManager(ManagerCredentials credentials, int? port = null)
    {
        var listen = new IPEndPoint(credentials.Identity.Address, port ?? _options.ClusterPort);
        var server = ManagerChannel.Start(credentials, _localStore, new ChannelOptions { Listen = listen, IsNodeAllowed = IsNodeAllowed }, _logger,
            mapMore: router => new KeyService(LocalKeys).MapTo(router), nodeCertificateValidity: _options.NodeCertificateValidity);
        _manager = credentials;
        _server = server;
        Role = ClusterRole.Manager;
        ManagerAddress = server.LocalEndpoint.ToString();
        ManagerStarted(_logger, ManagerAddress);
    }

    // Called by the channel during a TLS handshake (synchronously); a lookup in the manager's local store.
    private bool IsNodeAllowed(string certificateNodeId) =>
        _localStore.GetAsync(RevokedPrefix + certificateNodeId).GetAwaiter().GetResult() is null;

    private void StartWorker(NodeIdentity identity, IPEndPoint manager)
    {
        _identity = identity;
        var client = new ClusterClient(identity, manager, _logger);
        _client = client;
        _remote = new RemoteClusterStore(client);
        _keyClient = new KeyClient(client);
        Control = new ControlPlane(_remote, _controlOptions);
        Role = ClusterRole.Worker;
        ManagerAddress = manager.ToString();
        WorkerStarted(_logger, identity.NodeId, ManagerAddress);
    }

    private async Task StopWorkerAsync()
    {
        if (_remote is not null)
        {
            await _remote.DisposeAsync();
            _remote = null;
            _keyClient = null;
        }
        _identity?.Dispose();
        _identity = null;
    }

    private void RequireStandalone(string operation)
    {
        if (Role != ClusterRole.Standalone)
        {
            throw new WeftConflictException($"{operation}: this node is already in a cluster as {Role.ToString().ToLowerInvariant()} (manager {ManagerAddress}); run 'weft cluster leave' first");
        }
    }

    /// <summary>This node's address for the cluster: --advertise-addr, else weftd's --underlay-address; port --cluster-port.</summary>
    private IPEndPoint Advertise(string advertise, string operation)
    {
        if (!string.IsNullOrEmpty(advertise))
        {
            return ParseEndpoint(advertise, "--advertise-addr");
        }
        if (IPAddress.TryParse(_options.UnderlayAddress, out var underlay))
        {
            return new IPEndPoint(underlay, _options.ClusterPort);
        }
        throw new WeftInvalidArgumentException($"{operation}: this agent has no underlay address; pass --advertise-addr IP or start weftd with --underlay-address IP");
    }

    private IPEndPoint ParseEndpoint(string text, string what)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return endpoint.Port == 0 && !text.Contains(':', StringComparison.Ordinal) ? new IPEndPoint(endpoint.Address, _options.ClusterPort) : endpoint;
        }
        throw new WeftInvalidArgumentException($"{what} '{text}' is not IPv4[:port] (for example 198.51.100.1:{ChannelOptions.DefaultPort})");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _manager?.Dispose();
        await StopWorkerAsync();
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "cluster manager: channel listening on {Address}")]
    private static partial void ManagerStarted(ILogger logger, string address);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "cluster worker {NodeId}: store at manager {Address}")]
    private static partial void WorkerStarted(ILogger logger, string nodeId, string address);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "left the cluster; back to the local store")]
    private static partial void Left(ILogger logger);
}
