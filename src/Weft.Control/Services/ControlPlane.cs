using Weft.Control.Store;

namespace Weft.Control.Services;

/// <summary>
/// The control plane's entry point for the agent: networks, endpoints and nodes over one cluster store.
/// <para>
/// Design note. State lives only in the <see cref="IClusterStore"/> (SQLite embedded, etcd later); these services are
/// stateless and every invariant (unique names, VNIs, non-overlapping subnets, addresses handed out once) is enforced by a
/// compare-and-swap on a key listed in <see cref="Model.Keys"/>, so any number of agents may call them concurrently.
/// Errors are <see cref="Errors.WeftException"/> subtypes with one actionable line.
/// </para>
/// </summary>
public sealed class ControlPlane
{
    public ControlPlane(IClusterStore store, ControlPlaneOptions? options = null, TimeProvider? time = null)
    {
        Store = store;
        Options = options ?? new ControlPlaneOptions();
        var clock = time ?? TimeProvider.System;
        Networks = new NetworkService(store, Options, clock);
        Endpoints = new EndpointService(store, Networks, clock);
        Nodes = new NodeService(store, Endpoints, clock, Options.HeartbeatTtl);
    }

    public IClusterStore Store { get; }

    public ControlPlaneOptions Options { get; }

    public NetworkService Networks { get; }

    public EndpointService Endpoints { get; }

    public NodeService Nodes { get; }
}
