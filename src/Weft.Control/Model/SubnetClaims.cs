namespace Weft.Control.Model;

/// <summary>
/// The registry of every subnet in use, one document at <see cref="Keys.Subnets"/>. Kept as a single key so that
/// a compare-and-swap on it makes "no two networks overlap" hold even when networks are created concurrently.
/// </summary>
public sealed record SubnetClaims(IReadOnlyList<SubnetClaim> Claims)
{
    public static SubnetClaims Empty { get; } = new([]);
}

/// <summary>One claimed subnet (CIDR text) and the network holding it.</summary>
public sealed record SubnetClaim(string Subnet, string NetworkId, string NetworkName);
