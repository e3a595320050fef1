using System.Globalization;
using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Agent.Docker;

/// <summary>
/// The pool id Weft's IPAM driver gives Docker: "weft|&lt;subnet&gt;|&lt;gateway&gt;[|&lt;ip-range&gt;]". Docker hands it back
/// with every address request, so it carries what those requests need; the network itself is found by its subnet
/// (subnets never overlap in a Weft cluster).
/// </summary>
public sealed record PoolId(string Subnet, string Gateway, string? IpRange)
{
    private const string Scheme = "weft";

    public static PoolId From(SubnetConfig config) => new(config.Subnet, config.Gateway, config.IpRange);

    public int PrefixLength => int.Parse(Subnet.AsSpan(Subnet.IndexOf('/') + 1), CultureInfo.InvariantCulture);

    /// <summary>"a.b.c.d/len" inside the subnet: what Docker's IPAM messages carry.</summary>
    public string WithPrefix(string address) => $"{address}/{PrefixLength}";

    public override string ToString()
    {
        // subnet and range are CIDRs; '|' separates them since '/' is inside each.
        return IpRange is null ? $"{Scheme}|{Subnet}|{Gateway}" : $"{Scheme}|{Subnet}|{Gateway}|{IpRange}";
    }

    public static PoolId Parse(string text)
    {
        var parts = text.Split('|');
        if (parts.Length is < 3 or > 4 || parts[0] != Scheme)
            throw new WeftInvalidArgumentException($"pool id '{text}' was not made by Weft's IPAM driver: use --ipam-driver weft with --driver weft");
        return new PoolId(parts[1], parts[2], parts.Length == 4 ? parts[3] : null);
    }
}
