using System.Text.RegularExpressions;

namespace Weft.Cluster.Pki;

/// <summary>Node names become DNS SANs, so they follow host-name rules.</summary>
public static partial class NodeNames
{
    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();

    public static void Validate(string name)
    {
        if (name.Length is 0 or > 253 || !HostName().IsMatch(name))
            throw new ClusterException($"node name '{name}' is invalid: use letters, digits, '-' and '.' like a host name");
    }
}
