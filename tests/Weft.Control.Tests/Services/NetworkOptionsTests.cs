using System.Net;
using Weft.Control.Errors;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>The "peers" driver option; the other options are exercised through network create (NetworkServiceTests).</summary>
public sealed class NetworkOptionsTests
{
    private static NetworkOptions Parse(string peers) =>
        NetworkOptions.Parse(new Dictionary<string, string> { [NetworkOptions.PeersKey] = peers });

    [Fact]
    public void Without_peers_the_list_is_empty() =>
        Assert.Empty(NetworkOptions.Parse(new Dictionary<string, string> { ["encrypted"] = "" }).Peers);

    [Theory]
    [InlineData("192.0.2.10", new[] { "192.0.2.10" })]
    [InlineData("192.0.2.10,192.0.2.11", new[] { "192.0.2.10", "192.0.2.11" })]
    [InlineData(" 192.0.2.11 , 192.0.2.10", new[] { "192.0.2.11", "192.0.2.10" })]
    [InlineData("192.0.2.10,192.0.2.11,192.0.2.10", new[] { "192.0.2.10", "192.0.2.11" })]
    [InlineData("192.0.2.010,192.0.2.10", new[] { "192.0.2.10" })]
    public void Peers_are_parsed_in_order_with_duplicates_collapsed(string value, string[] expected) =>
        Assert.Equal(expected.Select(IPAddress.Parse), Parse(value).Peers);

    [Theory]
    [InlineData("", "invalid value '' for option peers: an address is missing between commas; expected IPv4 addresses of VTEPs, comma-separated, like 192.0.2.10,192.0.2.11")]
    [InlineData("192.0.2.10,", "invalid value '192.0.2.10,' for option peers: an address is missing between commas; expected IPv4 addresses of VTEPs, comma-separated, like 192.0.2.10,192.0.2.11")]
    [InlineData("192.0.2.10,x", "invalid value 'x' for option peers: x is not an IPv4 address; expected IPv4 addresses of VTEPs, comma-separated, like 192.0.2.10,192.0.2.11")]
    [InlineData("192.0.2", "invalid value '192.0.2' for option peers: 192.0.2 is not an IPv4 address; expected")]
    [InlineData("2001:db8::1", "invalid value '2001:db8::1' for option peers: 2001:db8::1 is not an IPv4 address; expected")]
    [InlineData("0.0.0.0", "invalid value '0.0.0.0' for option peers: 0.0.0.0 is the unspecified address; expected")]
    [InlineData("255.255.255.255", "invalid value '255.255.255.255' for option peers: 255.255.255.255 is the broadcast address; expected")]
    [InlineData("239.1.1.1", "invalid value '239.1.1.1' for option peers: 239.1.1.1 is a multicast address; expected")]
    [InlineData("224.0.0.1", "invalid value '224.0.0.1' for option peers: 224.0.0.1 is a multicast address; expected")]
    [InlineData("127.0.0.1", "invalid value '127.0.0.1' for option peers: 127.0.0.1 is a loopback address; expected")]
    public void A_bad_peer_is_named(string value, string message) =>
        Assert.StartsWith(message, Assert.Throws<WeftInvalidArgumentException>(() => Parse(value)).Message);

    [Fact]
    public void Peers_is_a_known_option() =>
        Assert.Contains(NetworkOptions.PeersKey, NetworkOptions.Known);
}
