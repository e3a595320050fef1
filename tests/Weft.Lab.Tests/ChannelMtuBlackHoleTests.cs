using System.Diagnostics;
using System.Text.RegularExpressions;
using Weft.Lab;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 16, item 4: the cluster channel survives an underlay MTU black hole. With the worker's channel to the manager
/// established, h2's port on the lab's bridge drops to MTU 1300 inside the underlay namespace: the bridge then drops
/// every larger frame in both directions, silently (an L2 hop sends no ICMP, so path MTU discovery learns nothing). A
/// worker call with a 40 KB payload each way must still complete within 10 s. Without the channel's MSS clamp (1220) the
/// established connection's segments (MSS 1448 on this 1500-byte underlay) never get through and the call stalls.
/// The hosts' eth0 first stop segmentation offloads (TSO/GSO): a veth lets a GSO super-packet pass a smaller MTU whole
/// (it is never cut into wire-sized frames on a veth path), which would hide the black hole; a real NIC puts frames of
/// the full MTU on the wire, and so does software segmentation.
/// </summary>
public sealed class ChannelMtuBlackHoleTests(ChannelLab lab) : IClassFixture<ChannelLab>
{
    private const int BlackHoleMtu = 1300;

    [RootFact("ip", "ss", "ethtool")]
    public void A_worker_call_with_a_large_payload_completes_within_10_s_after_the_path_mtu_silently_dropped()
    {
        lab.Must("-H", "h2", "network", "create", "small"); // through the worker's channel to the manager's store: it is up
        var segmentSizes = ChannelSegmentSizes();
        Assert.True(segmentSizes.Count > 0, "h2 has no established TCP connection to the manager");
        Assert.All(segmentSizes, mss => Assert.InRange(mss, 500, 1220));

        for (var host = 1; host <= 2; host++)
        {
            Tool.Run("ip", "netns", "exec", LabNames.HostNamespace(lab.Prefix, host), "ethtool", "-K", LabNames.HostInterface, "tso", "off", "gso", "off")
                .EnsureSuccess($"turn off segmentation offloads on h{host}'s underlay interface");
        }
        Tool.Run("ip", "-n", LabNames.NetNamespace(lab.Prefix), "link", "set", LabNames.BridgePort(lab.Prefix, 2), "mtu", $"{BlackHoleMtu}")
            .EnsureSuccess("lower h2's bridge port MTU in the lab's underlay namespace");

        var blob = new string('x', 40_000);
        var clock = Stopwatch.StartNew();
        var call = Task.Run(() =>
        {
            var created = lab.Weft("-H", "h2", "network", "create", "--label", $"blob={blob}", "big");          // 40 KB h2 -> manager
            var read = lab.Weft("-H", "h2", "network", "inspect", "big", "--format", "{{index .Labels \"blob\"}}"); // 40 KB manager -> h2
            return (created, read);
        });
        Assert.True(call.Wait(TimeSpan.FromSeconds(10)), "the channel calls did not complete within 10 s of the MTU drop");
        var (created, read) = call.Result;
        Assert.True(created.ExitCode == 0, created.Err + created.Out);
        Assert.True(read.ExitCode == 0, read.Err + read.Out);
        Assert.Equal(blob, read.Out.Trim());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    /// <summary>The MSS of h2's established TCP connections to h1's underlay address, as <c>ss -ti</c> shows them.</summary>
    private List<int> ChannelSegmentSizes()
    {
        var ss = Tool.Run("ip", "netns", "exec", LabNames.HostNamespace(lab.Prefix, 2), "ss", "-Htin", "state", "established", "dst", "198.51.100.1")
            .EnsureSuccess("ss in h2");
        return Regex.Matches(ss.StdOut, @"\bmss:(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
