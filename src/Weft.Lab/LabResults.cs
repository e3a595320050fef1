using System.Net;

namespace Weft.Lab;

/// <summary>What <see cref="LabTopology.Up"/> did: every object it had to create or repair (empty when the lab was already complete).</summary>
public sealed record LabUpResult(string Prefix, int Hosts, IReadOnlyList<string> Changes)
{
    public bool AlreadyUp => Changes.Count == 0;
}

/// <summary>What <see cref="LabTopology.Down"/> removed.</summary>
public sealed record LabDownResult(string Prefix, IReadOnlyList<string> RemovedNamespaces)
{
    public bool NothingToRemove => RemovedNamespaces.Count == 0;

    public string Message => NothingToRemove
        ? $"lab '{Prefix}': nothing to remove"
        : $"lab '{Prefix}': removed {RemovedNamespaces.Count} namespaces ({string.Join(", ", RemovedNamespaces)})";
}

/// <summary>One simulated host as found by <see cref="LabTopology.Status"/>.</summary>
/// <param name="Address">The underlay address on eth0, null when missing.</param>
/// <param name="Problem">Why the host is not healthy, null when it is.</param>
public sealed record LabHostStatus(int Number, string Namespace, IPAddress? Address, bool InterfaceUp, bool AttachedToBridge, string? Problem)
{
    public bool Healthy => Problem is null;
}

/// <summary>The lab as it exists now.</summary>
public sealed record LabStatus(string Prefix, bool UnderlayExists, bool BridgeUp, IReadOnlyList<LabHostStatus> Hosts)
{
    public bool IsUp => UnderlayExists || Hosts.Count > 0;

    public bool Healthy => UnderlayExists && BridgeUp && Hosts.Count > 0 && Hosts.All(h => h.Healthy);
}
