namespace Weft.Api.Dto;

/// <summary>
/// <c>POST /networks/{id}/diagnose</c> (Weft): the overlay links from the answering host to every other host with a
/// container on the network, each probed through the data path itself (VXLAN on the network's VNI and UDP port,
/// sealed when encrypted) with small frames and with frames of the network's full size.
/// </summary>
public sealed record NetworkDiagnosis
{
    public string Network { get; init; } = "";
    public uint Vni { get; init; }
    public bool Encrypted { get; init; }
    /// <summary>The host the probes left from.</summary>
    public string Host { get; init; } = "";
    public int Mtu { get; init; }
    /// <summary>Inner Ethernet frame of a full-size packet: MTU + 14.</summary>
    public int FrameBytes { get; init; }
    /// <summary>The outer IPv4 datagram that carries it: what every underlay link between the hosts must pass.</summary>
    public int UnderlayBytes { get; init; }
    public List<LinkDiagnosis> Links { get; init; } = new();
    public bool Healthy { get; init; }
    /// <summary>Set when the host could not be diagnosed at all (it did not answer a cluster-wide request).</summary>
    public string Message { get; init; } = "";
}

/// <summary>One link: this host to <see cref="Node"/>.</summary>
public sealed record LinkDiagnosis
{
    public string Node { get; init; } = "";
    /// <summary>The peer's VXLAN endpoint on the underlay, address:port.</summary>
    public string Endpoint { get; init; } = "";
    /// <summary>"ready" or "down" as the cluster sees the node.</summary>
    public string NodeState { get; init; } = "";
    /// <summary>"ok", "mtu" (small frames cross, full-size ones do not), "unreachable" (no answer at all) or "down".</summary>
    public string Status { get; init; } = "";
    /// <summary>Round trip of a full-size probe (ok) or a small one (mtu), in microseconds.</summary>
    public double? RttMicroseconds { get; init; }
    /// <summary>The largest inner frame that crossed both ways (equals <see cref="NetworkDiagnosis.FrameBytes"/> when ok).</summary>
    public int? LargestFrameBytes { get; init; }
    /// <summary>What is wrong and what to do, naming the link; "" when ok.</summary>
    public string Message { get; init; } = "";
}
