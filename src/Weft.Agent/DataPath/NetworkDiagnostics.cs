using System.Net;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.DataPlane;
using Weft.DataPlane.Probing;
using Weft.DataPlane.Seams;

namespace Weft.Agent.DataPath;

/// <summary>
/// <c>weft network diagnose</c>: probes, through this host's VTEP, every other host with a container on a network, and
/// names each broken link with its likely cause. A link that answers no probe is blocked on the underlay (a firewall
/// for UDP to the VXLAN port, a routing problem) or its peer is down; a link that answers small probes but not
/// full-size ones has an underlay MTU too small for the network's (a black hole for big packets: pings work, TCP stalls);
/// the largest frame that crosses is found by bisection and turned into the MTU to set.
/// </summary>
public sealed class NetworkDiagnostics(AgentOptions options, Vtep vtep)
{
    /// <summary>IPv4 (20) + UDP (8) + VXLAN (8) around the inner frame.</summary>
    private const int OuterHeaders = 36;
    private const int ReachAttempts = 3;
    private const int SizeAttempts = 2;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(500);

    public async Task<NetworkDiagnosis> RunAsync(Network network, IReadOnlyList<Endpoint> endpoints, IReadOnlyList<Node> nodes, CancellationToken ct)
    {
        var vni = (uint)network.Vni;
        if (!vtep.Vnis.Contains(vni))
        {
            var hosts = endpoints.Select(e => e.Host).Distinct().Order().ToList();
            throw new WeftConflictException(hosts.Count == 0
                ? $"network {network.Name} has no containers on any host: there is no link to diagnose yet"
                : $"host {options.NodeName} has no container on network {network.Name}, so it has no link to diagnose; run it on a host that has one: {string.Join(", ", hosts)}");
        }
        var frame = Math.Min(network.Mtu + 14, vtep.MaxProbeLength);
        var seal = network.Encrypted ? Vtep.SealOverhead : 0;
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var peers = endpoints.Select(e => e.Host).Distinct().Where(h => h != options.NodeName).Order()
            .Select(h => byName.GetValueOrDefault(h)).OfType<Node>().ToList();
        var links = await Task.WhenAll(peers.Select(p => DiagnoseAsync(network, vni, p, frame, seal, ct)));
        return new NetworkDiagnosis
        {
            Network = network.Name, Vni = vni, Encrypted = network.Encrypted, Host = options.NodeName, Mtu = network.Mtu,
            FrameBytes = frame, UnderlayBytes = frame + OuterHeaders + seal, Links = links.ToList(),
            Healthy = links.All(l => l.Status == "ok"),
        };
    }

    private async Task<LinkDiagnosis> DiagnoseAsync(Network network, uint vni, Node node, int frame, int seal, CancellationToken ct)
    {
        var peer = PeerEndpoint.From(new IPEndPoint(IPAddress.Parse(node.UnderlayAddress), options.VxlanPort));
        var link = $"{options.NodeName} → {node.Name} ({node.UnderlayAddress}, UDP {options.VxlanPort})";
        var baseline = new LinkDiagnosis { Node = node.Name, Endpoint = $"{node.UnderlayAddress}:{options.VxlanPort}", NodeState = node.State == NodeState.Down ? "down" : "ready" };
        var small = await ProbeAsync(vni, peer, ProbeFrame.MinLength, ReachAttempts, ct);
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
        var full = await ProbeAsync(vni, peer, frame, ReachAttempts, ct);
        if (full is not null) return baseline with { Status = "ok", RttMicroseconds = Micros(full.Value), LargestFrameBytes = frame };

        // Small frames cross, full-size ones do not: bisect the largest that does.
        int low = ProbeFrame.MinLength, high = frame;
        while (high - low > 1)
        {
            var mid = (low + high) / 2;
            if (await ProbeAsync(vni, peer, mid, SizeAttempts, ct) is not null) low = mid;
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

    private async Task<TimeSpan?> ProbeAsync(uint vni, PeerEndpoint peer, int length, int attempts, CancellationToken ct)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await vtep.ProbeAsync(vni, peer, length, ProbeTimeout, ct) is { } rtt) return rtt;
        }
        return null;
    }

    private static double Micros(TimeSpan t) => Math.Round(t.TotalMicroseconds, 1);
}
