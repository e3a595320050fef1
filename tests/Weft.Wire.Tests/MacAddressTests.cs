using CsCheck;

namespace Weft.Wire.Tests;

public sealed class MacAddressTests
{
    [Fact]
    public void Parses_formats_reads_and_writes_a_known_address()
    {
        var mac = MacAddress.Parse("02:42:0a:00:00:02");
        Assert.Equal(0x0242_0a00_0002UL, mac.Value);
        Assert.Equal("02:42:0a:00:00:02", mac.ToString());
        Assert.Equal(mac, MacAddress.Parse("02-42-0A-00-00-02"));
        var bytes = new byte[6];
        mac.Write(bytes);
        Assert.Equal(new byte[] { 0x02, 0x42, 0x0a, 0x00, 0x00, 0x02 }, bytes);
        Assert.Equal(mac, MacAddress.Read(bytes));
    }

    [Fact]
    public void Docker_convention_derives_the_mac_from_the_ipv4_address()
    {
        Assert.Equal(MacAddress.Parse("02:42:0a:00:01:fe"), MacAddress.FromIPv4(IPv4Address.Parse("10.0.1.254")));
    }

    [Fact]
    public void Broadcast_multicast_and_zero_are_recognised()
    {
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(MacAddress.Broadcast.IsMulticast);
        Assert.True(MacAddress.Parse("01:00:5e:00:00:fb").IsMulticast);
        Assert.False(MacAddress.Parse("02:42:0a:00:00:02").IsMulticast);
        Assert.True(default(MacAddress).IsZero);
        Assert.Equal("ff:ff:ff:ff:ff:ff", MacAddress.Broadcast.ToString());
    }

    [Fact]
    public void Only_the_low_48_bits_are_kept()
    {
        Assert.Equal(MacAddress.Broadcast, new MacAddress(ulong.MaxValue));
    }

    [Theory]
    [InlineData("")]
    [InlineData("02:42:0a:00:00")]
    [InlineData("02:42:0a:00:00:022")]
    [InlineData("02:42:0a:00:00:0g")]
    [InlineData("02.42.0a.00.00.02")]
    [InlineData("+2:42:0a:00:00:02")]
    [InlineData(" 2:42:0a:00:00:02")]
    public void Malformed_text_is_rejected(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => MacAddress.Parse(text));
    }

    [Fact]
    public void Round_trips_through_bytes_and_text()
    {
        Gen.ULong.Sample(v =>
        {
            var mac = new MacAddress(v);
            var bytes = new byte[6];
            mac.Write(bytes);
            Assert.Equal(mac, MacAddress.Read(bytes));
            Assert.Equal(mac, MacAddress.Parse(mac.ToString()));
            Assert.Equal(Convert.ToHexStringLower(bytes), mac.ToString().Replace(":", ""));
        });
    }

    [Fact]
    public void Arbitrary_text_never_throws_and_what_parses_formats_back()
    {
        static void Check(string text)
        {
            if (MacAddress.TryParse(text, out var mac))
                Assert.Equal(text.ToLowerInvariant().Replace('-', ':'), mac.ToString());
        }
        Gen.String.Sample(Check, iter: 2000);
        Gen.Char["0123456789abcdefABCDEF:- +xg"].Array[17].Sample(c => Check(new string(c)), iter: 5000);
    }
}
