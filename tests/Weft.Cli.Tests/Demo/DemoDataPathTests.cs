using Weft.Api.Dto;
using Weft.Cli.Demo;

namespace Weft.Cli.Tests.Demo;

/// <summary>
/// The demo's data-path narration (no root): the path is read from inspect's output, each host's path is explained as
/// it was reported, and the ping step and the decoded packet follow the path the sending and receiving hosts use.
/// </summary>
public sealed class DemoDataPathTests
{
    [Theory]
    [InlineData("kernel: plain: the kernel's vxlan device (--data-path auto; the kernel has vxlan and nftables)\n", "kernel")]
    [InlineData("userspace: encrypted: sealed by the userspace VTEP (the kernel path carries plain networks only)\n", "userspace")]
    [InlineData("userspace\n", "userspace")]
    [InlineData(": \n", "")]
    [InlineData("", "")]
    public void ThePathIsWhatInspectPrintsBeforeTheReason(string output, string path) => Assert.Equal(path, DemoDataPath.PathOf(output));

    [Fact]
    public void HostsOnTheSamePathAreExplainedTogether()
    {
        var lines = DemoDataPath.Summary([("h1", "kernel"), ("h2", "kernel")], "4096");

        Assert.StartsWith("h1 and h2: the kernel's vxlan device wv4096, on the network's bridge", lines[0]);
        Assert.Contains("nftables", string.Join(' ', lines));
        Assert.DoesNotContain(lines, l => l.StartsWith("h2", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= 118, l));
    }

    [Fact]
    public void AMixedLabExplainsEachPathAsReported()
    {
        var lines = DemoDataPath.Summary([("h1", "kernel"), ("h2", "userspace"), ("h3", "off")], null);

        var text = string.Join('\n', lines);
        Assert.Contains("h1: the kernel's vxlan device wv<VNI>", text);
        Assert.Contains("\nh2: Weft's userspace VTEP in weftd carries app-overlay", text);
        Assert.Contains("\nh3: data path 'off'.", text);
        Assert.DoesNotContain("h1 and", text);
    }

    [Fact]
    public void ThePingStepFollowsTheSenderAndTheReceiverPaths()
    {
        var kernel = string.Join(' ', DemoDataPath.PingExplanation("h1", "kernel", "h2", "kernel"));
        var userspace = string.Join(' ', DemoDataPath.PingExplanation("h1", "userspace", "h2", "userspace"));
        var mixed = string.Join(' ', DemoDataPath.PingExplanation("h1", "kernel", "h2", "userspace"));

        Assert.StartsWith("On h1, the vxlan device answers container-a's ARP", kernel);
        Assert.Contains("There nftables lets it in (h1 is a peer of the network)", kernel);
        Assert.DoesNotContain("VTEP", kernel);
        Assert.StartsWith("The VTEP on h1 answers container-a's ARP for container-b itself from its forwarding table", userspace);
        Assert.Contains("There the VTEP checks that h1 is a peer", userspace);
        Assert.DoesNotContain("vxlan device", userspace);
        Assert.Contains("FDB entry for container-b's MAC names, h2.", mixed);
        Assert.Contains("There the VTEP checks", mixed);
        Assert.All(DemoDataPath.PingExplanation("h1", "kernel", "h2", "userspace"), l => Assert.True(l.Length <= 118, l));
    }

    [Theory]
    [InlineData("kernel", "h1's vxlan device picks the source port from a hash of the inner flow")]
    [InlineData("userspace", "(one of h1's VXLAN source ports)")]
    public void TheDecodedPacketNamesWhoPickedItsSourcePort(string path, string expected)
    {
        Assert.True(VxlanPacket.TryDecode(VxlanPacketTests.EncapsulatedPing(4096, sourcePort: 50123), out var packet, out var why), why);
        var network = new NetworkInspect
        {
            Name = "app-overlay", Id = "n1", Created = DateTimeOffset.UnixEpoch, IPAM = new IpamInfo(), Vni = 4096, DataPath = path,
        };

        var udp = Assert.Single(PacketExplainer.Lines(packet!, network, hosts: 2), l => l.StartsWith("  outer UDP", StringComparison.Ordinal));

        Assert.Contains("port 50123 → 4789", udp);
        Assert.Contains(expected, udp);
    }
}
