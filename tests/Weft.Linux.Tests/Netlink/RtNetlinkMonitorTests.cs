using Weft.Linux.Netlink;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Netlink;

/// <summary>The change monitor wakes for links and neighbours changed in its namespace by anyone (here: iproute2), and only there.</summary>
public sealed class RtNetlinkMonitorTests
{
    [RootFact("ip")]
    public async Task Wakes_when_iproute2_adds_a_link_or_a_neighbour_in_its_namespace()
    {
        using var namespaces = new TestNamespaces();
        var ns = namespaces.Create("m");
        var other = namespaces.Create("o");
        using var monitor = RtNetlinkMonitor.Open(ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var elsewhere = monitor.WaitForChangeAsync(timeout.Token);
        Tool.Run("ip", "-n", other, "link", "add", "d0", "type", "bridge").EnsureSuccess("ip link add in the other namespace");
        await Task.Delay(200);
        Assert.False(elsewhere.IsCompleted, "a change in another namespace woke the monitor");

        Tool.Run("ip", "-n", ns, "link", "add", "d0", "type", "bridge").EnsureSuccess("ip link add");
        await elsewhere.WaitAsync(TimeSpan.FromSeconds(1));

        Tool.Run("ip", "-n", ns, "link", "set", "d0", "up").EnsureSuccess("ip link set up");
        Tool.Run("ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", "d0").EnsureSuccess("ip addr add");
        await monitor.WaitForChangeAsync(timeout.Token).WaitAsync(TimeSpan.FromSeconds(1)); // drains what queued meanwhile
        var neighbour = monitor.WaitForChangeAsync(timeout.Token);
        await Task.Delay(100);
        Tool.Run("ip", "-n", ns, "neigh", "add", "192.0.2.9", "lladdr", "02:00:00:00:00:09", "dev", "d0", "nud", "permanent").EnsureSuccess("ip neigh add");
        await neighbour.WaitAsync(TimeSpan.FromSeconds(1));
    }
}
