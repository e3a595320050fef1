using System.Net;
using System.Text.RegularExpressions;

namespace Weft.Lab;

/// <summary>
/// The names and addresses of a lab with prefix P (see LAB.md): namespace "P-net" holding bridge "Pbr0",
/// host namespaces "P-h1".."P-hN", each with underlay interface "eth0" (198.51.100.N/24) whose veth peer
/// in "P-net" is called "P-hN" and is a port of the bridge.
/// </summary>
public static partial class LabNames
{
    public const string DefaultPrefix = "weft";
    public const string HostInterface = "eth0";
    public const int MaxHosts = 254;
    public const int UnderlayPrefixLength = 24;

    public static string NetNamespace(string prefix) => $"{prefix}-net";

    public static string Bridge(string prefix) => $"{prefix}br0";

    public static string HostNamespace(string prefix, int host) => $"{prefix}-h{host}";

    /// <summary>The bridge-side end of host <paramref name="host"/>'s veth, in the underlay namespace.</summary>
    public static string BridgePort(string prefix, int host) => $"{prefix}-h{host}";

    /// <summary>198.51.100.N (TEST-NET-2), the only underlay range the lab uses.</summary>
    public static IPAddress HostAddress(int host) => new([198, 51, 100, (byte)host]);

    /// <summary>The host number of a host namespace name of this lab ("P-h3" -> 3), or null.</summary>
    public static int? HostNumber(string prefix, string namespaceName)
    {
        var m = HostPattern().Match(namespaceName);
        return m.Success && m.Groups[1].Value == prefix && int.TryParse(m.Groups[2].Value, out var n) ? n : null;
    }

    /// <summary>
    /// True for every namespace that belongs to the lab: "P-net", "P-hN" and the namespaces weftd makes
    /// for a host, named "P-hN-…".
    /// </summary>
    public static bool BelongsToLab(string prefix, string namespaceName)
    {
        if (namespaceName == NetNamespace(prefix)) return true;
        var m = LabPattern().Match(namespaceName);
        return m.Success && m.Groups[1].Value == prefix;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the prefix is not letters/digits or makes interface names longer than 15 bytes.</summary>
    public static void ValidatePrefix(string prefix, int hosts = MaxHosts)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!PrefixPattern().IsMatch(prefix))
            throw new ArgumentException($"lab prefix '{prefix}' must be 1-12 ASCII letters or digits", nameof(prefix));
        var longest = BridgePort(prefix, hosts);
        foreach (var name in new[] { longest, Bridge(prefix) })
            if (name.Length > 15)
                throw new ArgumentException($"lab prefix '{prefix}' is too long: interface '{name}' would exceed 15 bytes (use at most {15 - 2 - hosts.ToString().Length} characters)", nameof(prefix));
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,12}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^([A-Za-z0-9]+)-h([0-9]+)$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^([A-Za-z0-9]+)-h[0-9]+(-.+)?$")]
    private static partial Regex LabPattern();
}
