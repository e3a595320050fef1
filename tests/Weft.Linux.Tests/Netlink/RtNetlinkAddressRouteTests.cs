using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netlink;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Netlink;

public sealed class RtNetlinkAddressRouteTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    private (string Ns, RtNetlink Nl) Setup()
    {
        var a = _ns.Create("a");
        var nl = RtNetlink.Open(a);
        nl.CreateVeth("d0", "d1");
        nl.SetUp("d0");
        nl.SetUp("d1");
        return (a, nl);
    }

    [RootFact("ip")]
    public void Ipv4_and_ipv6_addresses_are_added_listed_and_deleted()
    {
        var (a, nl) = Setup();
        using var _ = nl;

        nl.AddAddress("d0", IPAddress.Parse("198.51.100.9"), 24);
        nl.AddAddress("d0", IPAddress.Parse("fd00:77::9"), 64);

        var observed = Ip.Addresses(a, "d0");
        Assert.Contains("198.51.100.9/24", observed);
        Assert.Contains("fd00:77::9/64", observed);
        var listed = nl.ListAddresses("d0").Select(x => x.ToString()).ToList();
        Assert.Contains("198.51.100.9/24", listed);
        Assert.Contains("fd00:77::9/64", listed);
        Assert.All(nl.ListAddresses("d0"), x => Assert.Equal(nl.GetLink("d0").Index, x.Index));

        nl.DeleteAddress("d0", IPAddress.Parse("198.51.100.9"), 24);
        nl.DeleteAddress("d0", IPAddress.Parse("fd00:77::9"), 64);

        Assert.DoesNotContain(Ip.Addresses(a, "d0"), x => x.StartsWith("198.51.100.9") || x.StartsWith("fd00:77::9"));
    }

    [RootFact("ip")]
    public void Adding_an_address_twice_or_deleting_a_missing_one_fails_naming_it()
    {
        var (_, nl) = Setup();
        using var _ = nl;
        nl.AddAddress("d0", IPAddress.Parse("198.51.100.9"), 24);

        var twice = Assert.Throws<LinuxException>(() => nl.AddAddress("d0", IPAddress.Parse("198.51.100.9"), 24));
        Assert.Equal(Errno.EEXIST, twice.ErrorNumber);
        Assert.Contains("198.51.100.9/24 on 'd0'", twice.Message);

        var missing = Assert.Throws<LinuxException>(() => nl.DeleteAddress("d0", IPAddress.Parse("198.51.100.10"), 24));
        Assert.Equal(Errno.EADDRNOTAVAIL, missing.ErrorNumber);
        Assert.Contains("198.51.100.10/24", missing.Message);

        Assert.Equal(Errno.ENODEV, Assert.Throws<LinuxException>(() => nl.AddAddress("nodev", IPAddress.Parse("198.51.100.1"), 24)).ErrorNumber);
    }

    [RootFact("ip")]
    public void Routes_via_a_gateway_and_on_a_device_are_added_listed_and_deleted()
    {
        var (a, nl) = Setup();
        using var _ = nl;
        nl.AddAddress("d0", IPAddress.Parse("198.51.100.9"), 24);

        nl.AddRoute(IPAddress.Parse("10.99.0.0"), 16, IPAddress.Parse("198.51.100.1"));
        nl.AddRoute(IPAddress.Parse("10.98.1.0"), 24, dev: "d0");

        var routes = Ip.Json(a, "route", "show").EnumerateArray().ToList();
        var viaGateway = routes.Single(r => r.Str("dst") == "10.99.0.0/16");
        Assert.Equal("198.51.100.1", viaGateway.Str("gateway"));
        Assert.Equal("d0", viaGateway.Str("dev"));
        var onDevice = routes.Single(r => r.Str("dst") == "10.98.1.0/24");
        Assert.Equal("d0", onDevice.Str("dev"));
        Assert.Equal("link", onDevice.Str("scope"));

        var listed = nl.ListRoutes(AddressFamily.InterNetwork);
        var ours = listed.Single(r => r.Destination.Equals(IPAddress.Parse("10.99.0.0")));
        Assert.Equal(16, ours.PrefixLength);
        Assert.Equal(IPAddress.Parse("198.51.100.1"), ours.Gateway);
        Assert.Equal(nl.GetLink("d0").Index, ours.OutputIndex);
        Assert.Contains(listed, r => r.Destination.Equals(IPAddress.Parse("198.51.100.0")) && r.PrefixLength == 24);

        nl.DeleteRoute(IPAddress.Parse("10.99.0.0"), 16, IPAddress.Parse("198.51.100.1"));
        nl.DeleteRoute(IPAddress.Parse("10.98.1.0"), 24, dev: "d0");
        var after = Ip.Json(a, "route", "show").EnumerateArray().Select(r => r.Str("dst")).ToList();
        Assert.DoesNotContain("10.99.0.0/16", after);
        Assert.DoesNotContain("10.98.1.0/24", after);
    }

    [RootFact("ip")]
    public void Ipv6_routes_are_listed_like_ip_shows_them()
    {
        var (a, nl) = Setup();
        using var _ = nl;
        nl.AddRoute(IPAddress.Parse("fd00:99::"), 64, dev: "d0");
        Assert.Contains(Ip.Json(a, "-6", "route", "show").EnumerateArray(), r => r.Str("dst") == "fd00:99::/64");
        Assert.Contains(nl.ListRoutes(AddressFamily.InterNetworkV6), r => r.Destination.Equals(IPAddress.Parse("fd00:99::")) && r.PrefixLength == 64);
    }

    [RootFact("ip")]
    public void Adding_a_route_twice_or_deleting_a_missing_one_fails_naming_it()
    {
        var (_, nl) = Setup();
        using var _ = nl;
        nl.AddRoute(IPAddress.Parse("10.97.0.0"), 16, dev: "d0");

        var twice = Assert.Throws<LinuxException>(() => nl.AddRoute(IPAddress.Parse("10.97.0.0"), 16, dev: "d0"));
        Assert.Equal(Errno.EEXIST, twice.ErrorNumber);
        Assert.Contains("route 10.97.0.0/16 dev 'd0'", twice.Message);

        var missing = Assert.Throws<LinuxException>(() => nl.DeleteRoute(IPAddress.Parse("10.96.0.0"), 16, dev: "d0"));
        Assert.Equal(3, missing.ErrorNumber); // ESRCH
        Assert.Contains("10.96.0.0/16", missing.Message);
    }
}
