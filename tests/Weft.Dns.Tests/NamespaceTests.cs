using System.Net;
using System.Net.Sockets;
using Weft.TestSupport;

namespace Weft.Dns.Tests;

/// <summary>
/// The agent's real set-up, end to end: sockets at 127.0.0.11:53 opened inside a container's
/// namespace, the container's resolv.conf written by ResolvConf.ForContainer, and programs in the
/// namespace (glibc's resolver via getent, and dig) resolving container names through it.
/// </summary>
public sealed class NamespaceTests
{
    [RootFact("ip", "dig", "getent")]
    public async Task Programs_in_the_container_resolve_names_through_127_0_0_11()
    {
        using var netns = new TestNetns();
        var at = new IPEndPoint(ResolvConf.EmbeddedServerAddress, 53);
        var udp = netns.CreateSocket(SocketType.Dgram, ProtocolType.Udp, at);
        var tcp = netns.CreateSocket(SocketType.Stream, ProtocolType.Tcp, at);
        await using var server = new EmbeddedDnsServer(udp, Containers.Lookup(), tcpListener: tcp);
        server.Start();
        netns.WriteResolvConf(ResolvConf.ForContainer());

        var forward = netns.Exec("getent", "hosts", "container-b").EnsureSuccess("getent hosts container-b");
        Assert.Matches(@"^10\.0\.0\.3\s+container-b\s*$", forward.StdOut);
        var reverse = netns.Exec("getent", "hosts", "10.0.0.2").EnsureSuccess("getent hosts 10.0.0.2");
        Assert.Matches(@"^10\.0\.0\.2\s+container-a\s*$", reverse.StdOut);
        var viaDig = netns.Exec("dig", "+short", "+tcp", "web.app-overlay").EnsureSuccess("dig in the namespace");
        Assert.Equal(["10.0.0.4", "10.0.0.5"], viaDig.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        var unknown = netns.Exec("getent", "hosts", "no-such-container");
        Assert.Equal(2, unknown.ExitCode); // getent: key not found (the server said SERVFAIL: no upstream)
        Assert.True(server.Counters.ServFail >= 1);
    }
}
