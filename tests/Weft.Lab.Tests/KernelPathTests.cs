using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// The kernel data path with real agents (issue 12): kernel and userspace hosts on one network, the path shown by inspect,
/// FDB entries repaired when deleted behind Weft's back, a weftd killed with SIGKILL under a steady ping (nothing lost, the
/// device adopted by the restarted agent), and VXLAN from addresses that are not peers of the VNI dropped before the device.
/// </summary>
public sealed partial class KernelPathTests(KernelPathLab lab) : IClassFixture<KernelPathLab>
{
    [RootFact("ip", "ping")]
    public void Kernel_and_userspace_hosts_carry_one_network_and_inspect_names_each_hosts_path()
    {
        Assert.Equal(0, lab.Weft("-H", "h1", "exec", "kp-a", "ping", "-c", "2", "-i", "0.2", "kp-c").ExitCode);
        Assert.Equal(0, lab.Weft("-H", "h3", "exec", "kp-c", "ping", "-c", "2", "-i", "0.2", "kp-a").ExitCode);
        Assert.StartsWith("kernel: plain", lab.Must("-H", "h1", "network", "inspect", "kp", "--format", "{{.DataPath}}: {{.DataPathReason}}").Trim());
        Assert.StartsWith("userspace: plain: --data-path userspace", lab.Must("-H", "h3", "network", "inspect", "kp", "--format", "{{.DataPath}}: {{.DataPathReason}}").Trim());
        var device = LabFixture.Json(lab.Sandbox(1), "-d", "link", "show", lab.Device)[0];
        var vxlan = device.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal((int)lab.Vni, vxlan.GetProperty("id").GetInt32());
        Assert.Equal(VxlanHeader.DefaultPort, vxlan.GetProperty("port").GetInt32());
        Assert.Equal("198.51.100.1", vxlan.GetProperty("local").GetString());
        Assert.False(vxlan.GetProperty("learning").GetBoolean());
        Assert.True(vxlan.GetProperty("proxy").GetBoolean());
        Assert.Equal("br0", device.GetProperty("master").GetString());
        var network = Info(1).GetProperty("Networks").EnumerateArray().Single(n => n.GetProperty("Vni").GetUInt32() == lab.Vni);
        Assert.Equal("kernel", network.GetProperty("DataPath").GetString());
        Assert.True(network.GetProperty("PacketsOut").GetInt64() > 0 && network.GetProperty("PacketsIn").GetInt64() > 0, network.ToString());
    }

    [RootFact("ip", "bridge")]
    public void An_fdb_entry_deleted_behind_Wefts_back_is_back_within_a_second()
    {
        var mac = MacAddress.FromIPv4(IPv4Address.Parse(lab.AddressOf("kp-b", "kp"))).ToString();
        Assert.True(HasFdb(mac), "h1's device forwards kp-b's MAC to h2");
        var deleted = Tool.Run("ip", ["netns", "exec", lab.Sandbox(1), "bridge", "fdb", "del", mac, "dev", lab.Device, "self", "dst", "198.51.100.2"], TimeSpan.FromSeconds(5));
        Assert.True(deleted.ExitCode == 0, deleted.StdErr);
        var clock = Stopwatch.StartNew();
        Assert.True(KernelPathLab.Eventually(() => HasFdb(mac), TimeSpan.FromSeconds(1)), "the entry is back within 1 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"back after {clock.ElapsedMilliseconds} ms");
    }

    [RootFact("ip", "ping")]
    public void Killing_weftd_with_sigkill_loses_no_ping_and_the_restarted_agent_adopts_the_device()
    {
        var indexBefore = LabFixture.Json(lab.Sandbox(1), "link", "show", lab.Device)[0].GetProperty("ifindex").GetInt32();
        var ping = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", lab.NamespaceOf("kp-a", 1), "ping", "-c", "500", "-i", "0.01", "-W", "1", lab.AddressOf("kp-b", "kp")])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        try
        {
            Thread.Sleep(1000);
            var pid = int.Parse(File.ReadAllText($"/run/weft/{lab.Prefix}-h1/weftd.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Process.GetProcessById(pid).Kill();
            Assert.True(KernelPathLab.Eventually(() => !CliLab.IsRunning(pid), TimeSpan.FromSeconds(5)), "weftd of h1 is gone");
            lab.Must("lab", "up", "--hosts", "4", "--data-path", "kernel,kernel,userspace,auto");
            Assert.True(ping.WaitForExit(TimeSpan.FromSeconds(30)), "ping finished");
            var output = ping.StandardOutput.ReadToEnd();
            Assert.Contains("500 packets transmitted, 500 received, 0% packet loss", output);
        }
        finally
        {
            if (!ping.HasExited) ping.Kill();
            ping.Dispose();
        }
        var indexAfter = LabFixture.Json(lab.Sandbox(1), "link", "show", lab.Device)[0].GetProperty("ifindex").GetInt32();
        Assert.Equal(indexBefore, indexAfter); // adopted, not deleted and made again
        Assert.Equal(0, lab.Weft("-H", "h1", "exec", "kp-a", "ping", "-c", "1", "kp-b").ExitCode);
    }

    [RootFact("ip", "tcpdump")]
    public void Vxlan_from_outside_the_cluster_or_from_a_member_off_the_network_never_reaches_the_container_but_from_a_peer_it_does()
    {
        var a = IPv4Address.Parse(lab.AddressOf("kp-a", "kp"));
        var b = IPv4Address.Parse(lab.AddressOf("kp-b", "kp"));
        var before = AdmissionDrops(1);
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-admission.pcap");
        try
        {
            using (PacketCapture.Start(lab.NamespaceOf("kp-a", 1), "eth0", pcap, "icmp", "and", "src", "host", b.ToString()))
            {
                UnderlayTraffic.Send($"{lab.Prefix}-h5", [Echo(b, a, 1)], UnderlayTraffic.Vtep(1)); // outside the cluster
                UnderlayTraffic.Send($"{lab.Prefix}-h4", [Echo(b, a, 2)], UnderlayTraffic.Vtep(1)); // a member, not on kp
                Assert.True(KernelPathLab.Eventually(() => AdmissionDrops(1) >= before + 2, TimeSpan.FromSeconds(3)), "h1's admission table counted both");
                Thread.Sleep(300);
            }
            Assert.Equal(24, new FileInfo(pcap).Length); // the pcap global header only: nothing reached kp-a
            using (PacketCapture.Start(lab.NamespaceOf("kp-a", 1), "eth0", pcap, "icmp", "and", "src", "host", b.ToString()))
            {
                UnderlayTraffic.Send($"{lab.Prefix}-h2", [Echo(b, a, 3)], UnderlayTraffic.Vtep(1)); // the real peer
                Thread.Sleep(500);
            }
            Assert.True(new FileInfo(pcap).Length > 24, "the same datagram from h2, a peer of the network, reached kp-a");
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    /// <summary>A VXLAN datagram on kp carrying an ICMP echo request from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private byte[] Echo(IPv4Address from, IPv4Address to, ushort sequence)
    {
        var datagram = new byte[VxlanHeader.Size + EthernetHeader.Size + IPv4Header.MinSize + IcmpEcho.Size + 32];
        new VxlanHeader(lab.Vni).Write(datagram);
        var frame = datagram.AsSpan(VxlanHeader.Size);
        new EthernetHeader(MacAddress.FromIPv4(to), MacAddress.FromIPv4(from), EtherType.IPv4).Write(frame);
        var ip = frame[EthernetHeader.Size..];
        new IPv4Header(from, to, IPv4Header.ProtocolIcmp, (ushort)ip.Length).Write(ip);
        new IcmpEcho(IcmpEcho.TypeEchoRequest, 0x4243, sequence).Write(ip[IPv4Header.MinSize..]);
        return datagram;
    }

    private bool HasFdb(string mac)
    {
        var r = Tool.Run("ip", ["netns", "exec", lab.Sandbox(1), "bridge", "-j", "fdb", "show", "dev", lab.Device], TimeSpan.FromSeconds(5)).EnsureSuccess("bridge fdb show");
        using var fdb = JsonDocument.Parse(r.StdOut);
        return fdb.RootElement.EnumerateArray().Any(e => e.GetProperty("mac").GetString() == mac && e.TryGetProperty("dst", out var dst) && dst.GetString() == "198.51.100.2");
    }

    private long AdmissionDrops(int host) =>
        Info(host).GetProperty("Networks").EnumerateArray().Single(n => n.GetProperty("Vni").GetUInt32() == lab.Vni).GetProperty("AdmissionDrops").GetInt64();

    private JsonElement Info(int host) =>
        JsonDocument.Parse(lab.Must("-H", $"h{host}", "info", "--format", "{{json .DataPlane}}")).RootElement;
}
