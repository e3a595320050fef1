using System.Net;
using System.Text.Json;

namespace Weft.Cni.Tests;

/// <summary>
/// The result weft-cni prints, held to the shape of the CNI spec's result (SPEC.md, "Success" and its example): only the
/// spec's keys for the version, interfaces with name/mac/sandbox (mtu from 1.1), ips whose interface index points into
/// interfaces and whose address is CIDR, dns with nameservers.
/// </summary>
public sealed class CniResultSchemaTests
{
    private static readonly Dictionary<string, string[]> InterfaceKeys = new()
    {
        ["0.4.0"] = ["name", "mac", "sandbox"], ["1.0.0"] = ["name", "mac", "sandbox"], ["1.1.0"] = ["name", "mac", "mtu", "sandbox", "socketPath", "pciID"],
    };

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    public void The_result_has_only_the_specs_keys_and_consistent_values(string version)
    {
        var attachment = FakeBackend.Attachment("/var/run/netns/blue") with { Nameservers = ["127.0.0.11"] };
        using var document = JsonDocument.Parse(CniOutput.Result(version, attachment));
        var result = document.RootElement;

        Assert.Equal(version, result.GetProperty("cniVersion").GetString());
        AssertKeys(result, ["cniVersion", "interfaces", "ips", "routes", "dns"]);
        var interfaces = result.GetProperty("interfaces").EnumerateArray().ToList();
        foreach (var item in interfaces)
        {
            AssertKeys(item, InterfaceKeys[version]);
            Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", item.GetProperty("mac").GetString());
        }
        Assert.Equal("/var/run/netns/blue", interfaces[0].GetProperty("sandbox").GetString()); // the container's interface has its sandbox
        foreach (var ip in result.GetProperty("ips").EnumerateArray())
        {
            AssertKeys(ip, version == "0.4.0" ? ["version", "address", "gateway", "interface"] : ["address", "gateway", "interface"]);
            Assert.InRange(ip.GetProperty("interface").GetInt32(), 0, interfaces.Count - 1);
            var cidr = ip.GetProperty("address").GetString()!.Split('/');
            Assert.True(IPAddress.TryParse(cidr[0], out _) && int.Parse(cidr[1], System.Globalization.CultureInfo.InvariantCulture) is >= 0 and <= 32);
            Assert.True(IPAddress.TryParse(ip.GetProperty("gateway").GetString(), out _));
        }
        var dns = result.GetProperty("dns");
        AssertKeys(dns, ["nameservers", "domain", "search", "options"]);
        Assert.Equal(["127.0.0.11"], dns.GetProperty("nameservers").EnumerateArray().Select(n => n.GetString()!));
    }

    private static void AssertKeys(JsonElement element, string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
            Assert.True(allowed.Contains(property.Name), $"'{property.Name}' is not a key the spec defines here ({string.Join(", ", allowed)})");
    }
}
