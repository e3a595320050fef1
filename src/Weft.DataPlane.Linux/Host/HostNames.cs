using System.IO.Hashing;
using System.Text;

namespace Weft.DataPlane.Host;

/// <summary>
/// Names of what the agent makes on a host. Every namespace starts with the agent's namespace prefix (in the lab
/// "&lt;lab&gt;-hN", so <c>weft lab down</c> finds them), and interface names stay within the kernel's 15 bytes.
/// </summary>
public sealed class HostNames(string namespacePrefix)
{
    public const string Bridge = "br0";
    public const string Tap = "vtep0";

    public string NamespacePrefix { get; } = namespacePrefix;

    /// <summary>
    /// The kernel vxlan device of the network with <paramref name="vni"/>: made under this name in the host's namespace (so its
    /// UDP socket lives there), then moved into the sandbox, where it keeps the name. "wv" + the VNI: at most 10 bytes.
    /// </summary>
    public static string KernelVxlan(uint vni) => $"wv{vni}";

    /// <summary>The sandbox namespace of the network with <paramref name="vni"/>: its bridge and the TAP the VTEP owns.</summary>
    public string Sandbox(uint vni) => $"{NamespacePrefix}-n{vni}";

    /// <summary>The network namespace of a container.</summary>
    public string Container(string containerName) => $"{NamespacePrefix}-c-{containerName}";

    /// <summary>The sandbox-side end of a container's veth: "ve" + 12 hex digits of a hash of the endpoint id.</summary>
    public static string SandboxPort(string endpointId) => "ve" + Hash12(endpointId);

    /// <summary>The host-namespace end of a veth handed to a runtime (Docker moves it into its container): "wd" + the same 12 hex digits.</summary>
    public static string HandOffInterface(string endpointId) => "wd" + Hash12(endpointId);

    /// <summary>True for the sandbox-side ports of containers' veths.</summary>
    public static bool IsSandboxPort(string interfaceName) => interfaceName.Length == 14 && interfaceName.StartsWith("ve", StringComparison.Ordinal);

    private static string Hash12(string endpointId) =>
        Convert.ToHexStringLower(BitConverter.GetBytes(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(endpointId))))[..12];
}
