using System.Globalization;
using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Agent.Docker;

/// <summary>
/// The pool id Weft's IPAM driver gives Docker: "weft|&lt;subnet&gt;|&lt;gateway&gt;|&lt;ip-range&gt;|&lt;reservation&gt;" (the last
/// two may be empty). Docker hands it back with every address request and when it releases the pool, so it carries what
/// those need; the network itself is found by its subnet (subnets never overlap in a Weft cluster). A reservation is the
/// subnet held for a network the user is creating with Docker, until the network takes it over.
/// </summary>
public sealed record PoolId(string Subnet, string Gateway, string? IpRange, string? Reservation = null)
{
    private const string Scheme = "weft";

    public static PoolId From(SubnetConfig config, string? reservation = null) => new(config.Subnet, config.Gateway, config.IpRange, reservation);

    public int PrefixLength => int.Parse(Subnet.AsSpan(Subnet.IndexOf('/') + 1), CultureInfo.InvariantCulture);

    /// <summary>"a.b.c.d/len" inside the subnet: what Docker's IPAM messages carry.</summary>
    public string WithPrefix(string address) => $"{address}/{PrefixLength}";

    // Subnet and range are CIDRs: '|' separates the parts since '/' is inside them.
    public override string ToString() => $"{Scheme}|{Subnet}|{Gateway}|{IpRange}|{Reservation}";

    public static PoolId Parse(string text)
    {
        var parts = text.Split('|');
        if (parts.Length != 5 || parts[0] != Scheme)
            throw new WeftInvalidArgumentException($"pool id '{text}' was not made by Weft's IPAM driver: use --ipam-driver weft with --driver weft");
        return new PoolId(parts[1], parts[2], Empty(parts[3]), Empty(parts[4]));
    }

    private static string? Empty(string part) => part.Length == 0 ? null : part;
}
