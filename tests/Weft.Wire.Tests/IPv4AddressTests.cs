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
