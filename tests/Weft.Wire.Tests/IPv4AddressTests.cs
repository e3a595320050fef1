using System.Net;
using CsCheck;

namespace Weft.Wire.Tests;

public sealed class IPv4AddressTests
{
    [Fact]
    public void Parses_formats_reads_and_writes_a_known_address()
    {
        var ip = IPv4Address.Parse("198.51.100.7");
        Assert.Equal(0xC6336407u, ip.Value);
        Assert.Equal("198.51.100.7", ip.ToString());
        var bytes = new byte[4];
        ip.Write(bytes);
        Assert.Equal(new byte[] { 198, 51, 100, 7 }, bytes);
        Assert.Equal(ip, IPv4Address.Read(bytes));
        Assert.Equal(IPAddress.Parse("198.51.100.7"), ip.ToIPAddress());
    }

    [Fact]
    public void Non_ipv4_input_is_rejected_with_a_clear_exception()
    {
        Assert.Throws<FormatException>(() => IPv4Address.Parse("2001:db8::1"));
        Assert.Throws<FormatException>(() => IPv4Address.Parse("not an address"));
        Assert.Throws<ArgumentException>(() => IPv4Address.From(IPAddress.IPv6Loopback));
    }

    [Theory]
    [InlineData("10.0.1")]      // inet_aton form: IPAddress.Parse reads it as 10.0.0.1
    [InlineData("10")]          // ... as 0.0.0.10
    [InlineData("167772162")]   // ... as 10.0.0.2
    [InlineData("010.0.0.1")]   // ... as octal 8.0.0.1
    [InlineData("0x0a.0.0.1")]  // ... as hex 10.0.0.1
    [InlineData("10.0.0.256")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.1/24")]
    [InlineData("")]
    public void Only_strict_dotted_quads_parse(string text)
    {
        Assert.Throws<FormatException>(() => IPv4Address.Parse(text));
    }

    [Theory]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("10.0.0.2", 0x0A000002u)]
    public void Edge_addresses_parse(string text, uint value)
    {
        Assert.Equal(new IPv4Address(value), IPv4Address.Parse(text));
    }

    [Fact]
    public void Whatever_parses_formats_back_to_the_same_text()
    {
        static void Check(string text)
        {
            IPv4Address ip;
            try { ip = IPv4Address.Parse(text); }
            catch (FormatException) { return; }
            Assert.Equal(text, ip.ToString());
        }
        Gen.Char["0123456789.x "].Array[1, 17].Sample(c => Check(new string(c)), iter: 20_000);
    }

    [Fact]
    public void Agrees_with_the_bcl_on_every_address()
    {
        Gen.UInt.Sample(v =>
        {
            var ip = new IPv4Address(v);
            var bytes = new byte[4];
            ip.Write(bytes);
            Assert.Equal(ip, IPv4Address.Read(bytes));
            Assert.Equal(new IPAddress(bytes).ToString(), ip.ToString());
            Assert.Equal(ip, IPv4Address.Parse(ip.ToString()));
            Assert.Equal(ip, IPv4Address.From(ip.ToIPAddress()));
        });
    }
}
