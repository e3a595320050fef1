using CsCheck;
using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Tests.Ipam;

public sealed class Ipv4CidrTests
{
    [Fact]
    public void Parses_a_subnet_and_knows_its_bounds()
    {
        var cidr = Ipv4Cidr.Parse("10.0.1.0/24", "subnet");
        Assert.Equal("10.0.1.0/24", cidr.ToString());
        Assert.Equal("10.0.1.255", Ipv4.Format(cidr.Last));
        Assert.Equal(256UL, cidr.Size);
        Assert.True(cidr.Contains(0x0A000180));
        Assert.False(cidr.Contains(0x0A000200));
    }

    [Theory]
    [InlineData("10.0.1.5/24", "invalid subnet 10.0.1.5/24: it should be 10.0.1.0/24")]
    [InlineData("10.0.1.0", "invalid subnet '10.0.1.0': expected IPv4 CIDR notation like 10.0.1.0/24")]
    [InlineData("10.0.1.0/33", "invalid subnet '10.0.1.0/33': expected IPv4 CIDR notation like 10.0.1.0/24")]
    [InlineData("10.0.1/24", "invalid subnet '10.0.1/24': expected IPv4 CIDR notation like 10.0.1.0/24")]
    [InlineData("fd00::/64", "subnet fd00::/64 is IPv6: only IPv4 subnets are supported")]
    public void Malformed_subnets_are_refused_with_a_hint(string text, string message)
    {
        var e = Assert.Throws<WeftInvalidArgumentException>(() => Ipv4Cidr.Parse(text, "subnet"));
        Assert.Equal(message, e.Message);
    }

    private static readonly Gen<Ipv4Cidr> AnyCidr = Gen.Select(Gen.UInt, Gen.Int[0, 32], (a, p) => new Ipv4Cidr(a, p));

    [Fact]
    public void Overlap_is_symmetric_and_means_a_shared_address() =>
        Gen.Select(AnyCidr, AnyCidr).Sample((a, b) =>
        {
            var shared = Math.Max(a.Network, b.Network) <= Math.Min(a.Last, b.Last);
            return a.Overlaps(b) == b.Overlaps(a) && a.Overlaps(b) == shared;
        });

    [Fact]
    public void Contains_of_a_cidr_means_all_of_its_addresses() =>
        Gen.Select(AnyCidr, AnyCidr).Sample((a, b) =>
            a.Contains(b) == (a.Network <= b.Network && b.Last <= a.Last));
}
