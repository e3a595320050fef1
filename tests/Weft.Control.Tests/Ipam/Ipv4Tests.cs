using CsCheck;
using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Tests.Ipam;

public sealed class Ipv4Tests
{
    [Theory]
    [InlineData("10.0.1.5", 0x0A000105u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    public void Parses_dotted_quads(string text, uint expected)
    {
        Assert.True(Ipv4.TryParse(text, out var address));
        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("10.0.0")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.-4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("")]
    [InlineData("fd00::1")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(Ipv4.TryParse(text, out _));
        var e = Assert.Throws<WeftInvalidArgumentException>(() => Ipv4.Parse(text, "gateway"));
        Assert.Equal($"invalid gateway '{text}': expected an IPv4 address like 10.0.1.5", e.Message);
    }

    [Fact]
    public void Format_and_parse_round_trip() =>
        Gen.UInt.Sample(a => Assert.True(Ipv4.TryParse(Ipv4.Format(a), out var back) && back == a));

    [Fact]
    public void Mac_is_02_42_and_the_address_bytes() =>
        Assert.Equal("02:42:0a:00:01:fe", Ipv4.MacFor(0x0A0001FE));
}
