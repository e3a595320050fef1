using Weft.TestSupport;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

/// <summary>
/// Live: the Linux kernel's own vxlan devices in two lab namespaces carry a ping; tcpdump records the underlay;
/// every captured frame must parse with Weft as VXLAN VNI 4242 between the two ends with the right inner addresses.
/// </summary>
public sealed class KernelVxlanCaptureTests
{
    [RootFact("ip", "tcpdump", "ping")]
    public void Frames_from_kernel_vxlan_devices_parse_with_weft()
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"weft-kernel-vxlan-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var lab = new KernelVxlanLab(4242))
            {
                lab.StartCapture(pcap);
                lab.PingFromA(3).EnsureSuccess($"ping {lab.B.Overlay} from {lab.NamespaceA} through vxlan");
                Thread.Sleep(300);
                lab.StopCapture();

                var frames = PcapReader.ReadFrames(pcap);
                Assert.True(frames.Count >= 8, $"tcpdump on {lab.VethA} recorded {frames.Count} frames, expected ARP request/reply and 3 echo pairs");
                var summary = KernelVxlanCapture.Check(frames, 4242, lab.A, lab.B);
                // At least one resolution of B's address (a slow machine may add a unicast ARP probe).
                Assert.True(summary.ArpRequests >= 1 && summary.ArpReplies >= 1, $"ARP requests {summary.ArpRequests}, replies {summary.ArpReplies}");
                Assert.Equal(3, summary.EchoRequests);
                Assert.Equal(3, summary.EchoReplies);
            }
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
