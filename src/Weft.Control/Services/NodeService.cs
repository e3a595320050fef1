using System.Text;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Services;

/// <summary>
/// Cluster membership with liveness. A node's record lives at <see cref="Keys.Node"/>; its liveness is the key
/// <see cref="Keys.Alive"/> attached to a store lease that heartbeats keep alive. When heartbeats stop the lease expires,
/// the store deletes the key (a Delete watch event others can react to) and the node shows as <see cref="NodeState.Down"/>.
/// After a grace period <see cref="WithdrawEndpointsOfDownNodesAsync"/> removes its endpoints so peers stop sending to it;
/// the grace counts on this service's clock from when it first saw the node down (<see cref="DownNodeClock"/>), not from
/// the node's own LastSeen, so a node whose clock is behind cannot have its endpoints withdrawn early.
/// </summary>
public sealed class NodeService(IClusterStore store, EndpointService endpoints, TimeProvider time, TimeSpan heartbeatTtl)
{
    private readonly DownNodeClock _down = new(time);

    public TimeSpan HeartbeatTtl { get; } = heartbeatTtl;

    /// <summary>
    /// Registers a host (or re-registers it after a restart: same name keeps its id) and marks it alive.
    /// A name held by another live node with a different underlay address is a conflict.
    /// </summary>
    public async Task<Node> RegisterAsync(string name, string underlayAddress, NodeRole role, CancellationToken cancellationToken = default)
    {
        Names.Validate(name, "node");
        if (!Ipam.Ipv4.TryParse(underlayAddress, out _))
        {
            throw new WeftInvalidArgumentException($"invalid underlay address '{underlayAddress}' for node {name}: expected an IPv4 address like 198.51.100.1");
        }

        var id = Ids.New();
        if (!await store.CompareAndSwapAsync(Keys.NodeName(name), 0, Encoding.UTF8.GetBytes(id), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var existing = await InspectAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing.State == NodeState.Ready && existing.UnderlayAddress != underlayAddress)
            {
                throw new WeftConflictException(
                    $"node name {name} is already used by a live node at {existing.UnderlayAddress}: choose another name or remove that node first");
            }

            id = existing.Id;
        }

        var node = new Node { Id = id, Name = name, UnderlayAddress = underlayAddress, Role = role, State = NodeState.Ready, LastSeen = time.GetUtcNow() };
        await store.PutAsync(Keys.Node(id), ModelJson.Serialize(node), cancellationToken: cancellationToken).ConfigureAwait(false);
        await MarkAliveAsync(id, cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>Records that the node is alive now: renews its lease (or takes a new one after expiry) and LastSeen.</summary>
    public async Task<Node> HeartbeatAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var kv = await store.GetAsync(Keys.Node(nodeId), cancellationToken).ConfigureAwait(false)
            ?? throw new WeftNotFoundException($"node {nodeId} not found: register it again with 'weft cluster join'");
        var alive = await store.GetAsync(Keys.Alive(nodeId), cancellationToken).ConfigureAwait(false);
        if (alive is null || !await store.KeepAliveAsync(alive.Lease, cancellationToken).ConfigureAwait(false))
        {
            await MarkAliveAsync(nodeId, cancellationToken).ConfigureAwait(false);
        }

        var node = ModelJson.Deserialize<Node>(kv.Value) with { State = NodeState.Ready, LastSeen = time.GetUtcNow() };
        await store.PutAsync(Keys.Node(nodeId), ModelJson.Serialize(node), cancellationToken: cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>All nodes, ordered by name, with their live state.</summary>
    public async Task<IReadOnlyList<Node>> ListAsync(CancellationToken cancellationToken = default)
    {
        var alive = (await store.ListAsync(Keys.AlivePrefix, cancellationToken).ConfigureAwait(false))
            .Select(kv => kv.Key[Keys.AlivePrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        return [.. (await store.ListAsync(Keys.NodesPrefix, cancellationToken).ConfigureAwait(false))
            .Select(kv => ModelJson.Deserialize<Node>(kv.Value))
            .Select(n => n with { State = alive.Contains(n.Id) ? NodeState.Ready : NodeState.Down })
            .OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>A node by name, full id or unambiguous id prefix.</summary>
    public async Task<Node> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var nodes = await ListAsync(cancellationToken).ConfigureAwait(false);
        var matches = nodes.Where(n => n.Name == nameOrId).ToList();
        if (matches.Count == 0 && nameOrId.Length > 0)
        {
            matches = [.. nodes.Where(n => n.Id.StartsWith(nameOrId, StringComparison.OrdinalIgnoreCase))];
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new WeftNotFoundException($"node {nameOrId} not found: list nodes with 'weft cluster nodes'"),
            _ => throw new WeftInvalidArgumentException(
                $"node id prefix '{nameOrId}' is ambiguous ({matches.Count} nodes match): give more characters or the name"),
        };
    }

    /// <summary>Removes a node (`cluster leave`): its endpoints, liveness and record.</summary>
    public async Task<Node> RemoveAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var node = await InspectAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        await endpoints.RemoveHostEndpointsAsync(node.Name, cancellationToken).ConfigureAwait(false);
        if (await store.GetAsync(Keys.Alive(node.Id), cancellationToken).ConfigureAwait(false) is { Lease: not 0 } alive)
        {
            await store.RevokeLeaseAsync(alive.Lease, cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteAsync(Keys.Node(node.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(Keys.NodeName(node.Name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// Removes the endpoints of every node that this service has seen down for at least <paramref name="grace"/>
    /// (counted from its first call that saw the node down, on its own clock); returns what was withdrawn.
    /// The manager calls this periodically.
    /// </summary>
    public async Task<IReadOnlyList<Endpoint>> WithdrawEndpointsOfDownNodesAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        var withdrawn = new List<Endpoint>();
        foreach (var node in _down.DownFor(await ListAsync(cancellationToken).ConfigureAwait(false), grace))
        {
            withdrawn.AddRange(await endpoints.RemoveHostEndpointsAsync(node.Name, cancellationToken).ConfigureAwait(false));
        }

        return withdrawn;
    }

    private async Task MarkAliveAsync(string nodeId, CancellationToken cancellationToken)
    {
        var lease = await store.GrantLeaseAsync(HeartbeatTtl, cancellationToken).ConfigureAwait(false);
        await store.PutAsync(Keys.Alive(nodeId), ReadOnlyMemory<byte>.Empty, lease, cancellationToken).ConfigureAwait(false);
    }
}
