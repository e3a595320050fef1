using System.Net;

namespace Weft.DataPlane.Paths;

/// <summary>
/// The data path of one network on one host: the one seam the agent talks to, with the userspace VTEP
/// (<see cref="Userspace.UserspaceNetworkPath"/>) and the kernel's vxlan device (<see cref="Kernel.KernelNetworkPath"/>) as its
/// implementations. Declarative: <see cref="Apply"/> takes the whole wanted state (<see cref="NetworkPlan"/>) every time and
/// converges to it; counters and probes come out. The sandbox and bridge it plugs into are the host's plumbing
/// (<see cref="Host.HostDataPath"/>), not the path's. <see cref="IDisposable.Dispose"/> stops managing the network and leaves
/// what lives in the kernel (an agent that stops must not take the kernel path down); <see cref="Remove"/> takes it away.
/// </summary>
public interface INetworkDataPath : IDisposable
{
    uint Vni { get; }

    DataPathKind Kind { get; }

    /// <summary>Why this network takes this path here, for <c>weft info</c> and <c>network inspect</c>.</summary>
    string Reason { get; }

    /// <summary>False once the path broke (e.g. its TAP reader failed): the owner replaces it.</summary>
    bool Healthy { get; }

    /// <summary>Raised (with the VNI, on whatever thread noticed) once <see cref="Healthy"/> turned false, so the owner need not wait for its next pass.</summary>
    event Action<uint>? Broke;

    /// <summary>Converges forwarding entries and peers to <paramref name="plan"/>. Idempotent; writes only what differs.</summary>
    void Apply(NetworkPlan plan);

    NetworkTraffic Traffic();

    /// <summary>MACs learned behind the network's external VTEPs (0 when it has none).</summary>
    int LearnedMacCount();

    /// <summary>The remote containers this path forwards to as it has them now (the kernel's entries on the kernel path).</summary>
    IReadOnlyList<RemoteContainer> Forwarding();

    /// <summary>The largest probe frame <see cref="ProbeAsync"/> can send.</summary>
    int MaxProbeLength { get; }

    /// <summary>
    /// Sends a link probe of <paramref name="frameLength"/> bytes on the network's VNI to the VTEP at <paramref name="peer"/> and
    /// returns the round trip of its answer, or null when none came within <paramref name="timeout"/>.
    /// </summary>
    Task<TimeSpan?> ProbeAsync(IPAddress peer, int frameLength, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Takes down what this path made for the network (it left this host); then disposes.</summary>
    void Remove();
}
