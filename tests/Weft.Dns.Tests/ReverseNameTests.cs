using System.Net;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

public sealed class ReverseNameTests
{
    [Fact]
    public void Reads_the_address_of_an_in_addr_arpa_name()
    {
        Assert.True(ReverseName.TryParseIPv4(["3", "0", "0", "10", "in-addr", "arpa"], out var address));
        Assert.Equal(IPAddress.Parse("10.0.0.3"), address);
    }

    [Theory]
    [InlineData("0.0.10.in-addr.arpa")]       // a zone, not an address
    [InlineData("1.3.0.0.10.in-addr.arpa")]   // too many labels
    [InlineData("256.0.0.10.in-addr.arpa")]
    [InlineData("x.0.0.10.in-addr.arpa")]
    [InlineData("-1.0.0.10.in-addr.arpa")]
    [InlineData("3.0.0.10.ip6.arpa")]
    public void Rejects_names_that_are_not_one_IPv4_address(string name)
    {
        Assert.False(ReverseName.TryParseIPv4(name.Split('.'), out _));
    }

    [Fact]
    public void Agrees_with_Makaretus_arpa_names_for_every_address()
    {
        Gen.Byte.Array[4].Sample(bytes =>
        {
            var address = new IPAddress(bytes);
            var labels = new DomainName(address.GetArpaName()).Labels.Select(l => l.ToLowerInvariant()).ToArray();
            Assert.True(ReverseName.TryParseIPv4(labels, out var back));
            Assert.Equal(address, back);
        });
    }
}
