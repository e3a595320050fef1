using System.Net;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.DataPlane;
using Weft.DataPlane.Probing;
using Weft.DataPlane.Paths;

namespace Weft.Agent.DataPath;

/// <summary>
/// <c>weft network diagnose</c>: probes, through this host's VTEP, every other host with a container on a network, and
/// names each broken link with its likely cause. A link that answers no probe is blocked on the underlay (a firewall
/// for UDP to the VXLAN port, a routing problem) or its peer is down; a link that answers small probes but not
/// full-size ones has an underlay MTU too small for the network's (a black hole for big packets: pings work, TCP stalls);
/// the largest frame that crosses is found by bisection and turned into the MTU to set. Both kinds of path probe the same
/// way: the userspace VTEP sends the probe on the network's VNI to the peer's VXLAN port, and the peer's VTEP answers it. On a
/// kernel-path host the admission table steers probe frames (EtherType 0x88B5) arriving on the VXLAN port to the VTEP, so a
/// probe crosses exactly the UDP port, addresses and packet size the kernel's vxlan traffic does.
/// </summary>
public sealed class NetworkDiagnostics(AgentOptions options, NetworkDataPaths paths)
{
    /// <summary>IPv4 (20) + UDP (8) + VXLAN (8) around the inner frame.</summary>
    private const int OuterHeaders = 36;
    private const int ReachAttempts = 3;
    private const int SizeAttempts = 2;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(500);

    public async Task<NetworkDiagnosis> RunAsync(Network network, IReadOnlyList<Endpoint> endpoints, IReadOnlyList<Node> nodes, CancellationToken ct)
    {
        var vni = (uint)network.Vni;
        if (!paths.TryGet(vni, out var path))
        {
            var hosts = endpoints.Select(e => e.Host).Distinct().Order().ToList();
            throw new WeftConflictException(hosts.Count == 0
                ? $"network {network.Name} has no containers on any host: there is no link to diagnose yet"
                : $"host {options.NodeName} has no container on network {network.Name}, so it has no link to diagnose; run it on a host that has one: {string.Join(", ", hosts)}");
        }
        var frame = Math.Min(network.Mtu + 14, path.MaxProbeLength);
        var seal = network.Encrypted ? Vtep.SealOverhead : 0;
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var peers = endpoints.Select(e => e.Host).Distinct().Where(h => h != options.NodeName).Order()
            .Select(h => byName.GetValueOrDefault(h)).OfType<Node>().ToList();
        var links = await Task.WhenAll(peers.Select(p => DiagnoseAsync(network, path, p, frame, seal, ct)));
        return new NetworkDiagnosis
        {
            Network = network.Name, Vni = vni, Encrypted = network.Encrypted, Host = options.NodeName, Mtu = network.Mtu,
            FrameBytes = frame, UnderlayBytes = frame + OuterHeaders + seal, Links = links.ToList(),
            Healthy = links.All(l => l.Status == "ok"),
        };
    }

    private async Task<LinkDiagnosis> DiagnoseAsync(Network network, INetworkDataPath path, Node node, int frame, int seal, CancellationToken ct)
    {
        var peer = IPAddress.Parse(node.UnderlayAddress);
        var link = $"{options.NodeName} → {node.Name} ({node.UnderlayAddress}, UDP {options.VxlanPort})";
        var baseline = new LinkDiagnosis { Node = node.Name, Endpoint = $"{node.UnderlayAddress}:{options.VxlanPort}", NodeState = node.State == NodeState.Down ? "down" : "ready" };
        var small = await ProbeAsync(path, peer, ProbeFrame.MinLength, ReachAttempts, ct);
        if (small is null)
        {
            return node.State == NodeState.Down
                ? baseline with { Status = "down", Message = $"{link}: no answer, and {node.Name}'s agent has not reported since {node.LastSeen:u}: the host or its weftd is down" }
                : baseline with
                {
                    Status = "unreachable",
                    Message = $"{link}: no answer to VXLAN probes although {node.Name}'s agent is up. The underlay does not carry VXLAN between these hosts: "
                        + $"allow UDP port {options.VxlanPort} between {options.NodeName} and {node.Name} in both directions (firewall, security group) and check the route to {node.UnderlayAddress}",
                };
        }
        var full = await ProbeAsync(path, peer, frame, ReachAttempts, ct);
        if (full is not null) return baseline with { Status = "ok", RttMicroseconds = Micros(full.Value), LargestFrameBytes = frame };

        // Small frames cross, full-size ones do not: bisect the largest that does.
        int low = ProbeFrame.MinLength, high = frame;
        while (high - low > 1)
        {
            var mid = (low + high) / 2;
            if (await ProbeAsync(path, peer, mid, SizeAttempts, ct) is not null) low = mid;
            else high = mid;
        }
        var pathMtu = low + OuterHeaders + seal;
        var fitting = low - 14;
        return baseline with
        {
            Status = "mtu", RttMicroseconds = Micros(small.Value), LargestFrameBytes = low,
            Message = $"{link}: small packets cross but full-size ones are lost. Network {network.Name} (MTU {network.Mtu}) needs underlay packets of "
                + $"{frame + OuterHeaders + seal} bytes; this path carries at most {pathMtu}. Raise the underlay MTU on the path between {options.NodeName} and {node.Name} "
                + $"to at least {frame + OuterHeaders + seal}, or recreate the network with --opt mtu={fitting}",
        };
    }

    private static async Task<TimeSpan?> ProbeAsync(INetworkDataPath path, IPAddress peer, int length, int attempts, CancellationToken ct)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await path.ProbeAsync(peer, length, ProbeTimeout, ct) is { } rtt) return rtt;
        }
        return null;
    }

    private static double Micros(TimeSpan t) => Math.Round(t.TotalMicroseconds, 1);
}
