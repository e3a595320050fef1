using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Support;

/// <summary>
/// Namespaces for one test, named "<prefix>-<suffix>" with a fresh random prefix ("wt" + 4 hex),
/// all deleted by exact name in Dispose even when the test failed (with <c>ip netns del</c> as a fallback).
/// </summary>
public sealed class TestNamespaces : IDisposable
{
    private readonly List<string> _names = [];

    public string Prefix { get; } = "wt" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..4];

    /// <summary>Creates "<prefix>-<suffix>" with Weft and brings its loopback up with ip.</summary>
    public string Create(string suffix)
    {
        var name = Name(suffix);
        NetworkNamespace.Create(name);
        Tool.Run("ip", "-n", name, "link", "set", "lo", "up").EnsureSuccess($"ip -n {name} link set lo up");
        return name;
    }

    /// <summary>
    /// Two namespaces "a" and "b" joined by a veth (ua 198.51.100.1/24 in a, ub 198.51.100.2/24 in b): an underlay
    /// between two hosts.
    /// </summary>
    public (string A, string B) UnderlayPair()
    {
        var a = Create("a");
        var b = Create("b");
        using (var nl = RtNetlink.Open(a))
        {
            nl.CreateVeth("ua", "ub", peerNamespace: b);
            nl.AddAddress("ua", System.Net.IPAddress.Parse("198.51.100.1"), 24);
            nl.SetUp("ua");
        }
        using (var nl = RtNetlink.Open(b))
        {
            nl.AddAddress("ub", System.Net.IPAddress.Parse("198.51.100.2"), 24);
            nl.SetUp("ub");
        }
        return (a, b);
    }

    /// <summary>A name this fixture will clean up even if something else creates it.</summary>
    public string Name(string suffix)
    {
        var name = $"{Prefix}-{suffix}";
        lock (_names) _names.Add(name);
        return name;
    }

    public void Dispose()
    {
        foreach (var name in _names)
        {
            try
            {
                NetworkNamespace.DeleteIfExists(name);
            }
            catch (LinuxException)
            {
                Tool.Run("ip", "netns", "del", name);
            }
        }
    }
}
