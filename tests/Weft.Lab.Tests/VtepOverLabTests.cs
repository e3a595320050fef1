using System.Net;
using Weft.DataPlane;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Seams;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.Linux.Tap;
using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// The data path end to end without a control plane (issue 3 item 4): in each of two lab hosts, a userspace
/// <see cref="Vtep"/> moves frames between a real TAP (in a namespace of its own, with an overlay address) and a
/// real UDP socket on the host's underlay address; the forwarding tables are filled by hand. The kernel's own
/// <c>ping</c> must get through, and tshark must see VXLAN with the chosen VNI on the underlay.
/// </summary>
public sealed class VtepOverLabTests
{
    [RootFact("ip", "ping", "tcpdump", "tshark")]
    public void Ping_crosses_two_lab_hosts_through_userspace_vteps_as_vxlan()
    {
        using var lab = new LabFixture();
        LabTopology.Up(lab.Prefix, 2);
        var vni = (uint)(5000 + Random.Shared.Next(1000));
        var ends = new[] { End.Create(lab.Prefix, 1, vni), End.Create(lab.Prefix, 2, vni) };
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-underlay.pcap");
        try
        {
            ends[0].Vtep.Table.SetEndpoint(vni, ends[1].Mac, ends[1].Overlay, ends[1].Underlay);
            ends[1].Vtep.Table.SetEndpoint(vni, ends[0].Mac, ends[0].Overlay, ends[0].Underlay);
            foreach (var end in ends) end.Vtep.Start();

            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
            {
                var ping = Tool.Run("ip", ["netns", "exec", ends[0].Namespace, "ping", "-c", "3", "-i", "0.2", "-W", "2", ends[1].Overlay.ToString()],
                    TimeSpan.FromSeconds(20));
                Assert.True(ping.ExitCode == 0, $"ping failed: {ping.StdOut} {ping.StdErr}");
            }

            var vxlan = Tshark.Dissect(pcap).Where(p => p.LayerNames.Contains("vxlan")).ToList();
            var echoes = vxlan.Where(p => p.LayerNames.Contains("icmp")).ToList();
            Assert.True(echoes.Count >= 6, $"expected 3 requests and 3 replies as VXLAN, tshark saw {echoes.Count}");
            foreach (var packet in vxlan)
            {
                Assert.Equal(vni.ToString(), packet.Field("vxlan", "vxlan.vni"));
            }
            foreach (var packet in echoes)
            {
                Assert.Equal("4789", packet.Field("udp", "udp.dstport"));
                var inner = new[] { packet.Field("ip", "ip.src", 1), packet.Field("ip", "ip.dst", 1) };
                Assert.Equal(new[] { ends[0].Overlay.ToString(), ends[1].Overlay.ToString() }.Order(), inner.Order());
            }
            Assert.DoesNotContain(vxlan, p => p.LayerNames.Contains("arp"));
            Assert.True(ends[0].Vtep.Counters.Snapshot().ArpAnswered >= 1, "h1's VTEP answered the kernel's ARP request");
        }
        finally
        {
            foreach (var end in ends) end.Dispose();
            File.Delete(pcap);
        }
    }

    /// <summary>One host's side: a namespace with a TAP (overlay address) and a VTEP on the host's underlay socket.</summary>
    private sealed class End : IDisposable
    {
        private readonly IDisposable[] _owned;

        private End(string ns, IPv4Address overlay, MacAddress mac, PeerEndpoint underlay, Vtep vtep, params IDisposable[] owned)
        {
            _owned = owned;
            Namespace = ns;
            Overlay = overlay;
            Mac = mac;
            Underlay = underlay;
            Vtep = vtep;
        }

        public string Namespace { get; }
        public IPv4Address Overlay { get; }
        public MacAddress Mac { get; }
        public PeerEndpoint Underlay { get; }
        public Vtep Vtep { get; }

        public static End Create(string prefix, int host, uint vni)
        {
            var ns = $"{prefix}-h{host}-t";
            var overlay = IPv4Address.Parse($"10.77.0.{host}");
            var mac = MacAddress.FromIPv4(overlay);
            NetworkNamespace.Create(ns);
            var tap = NetworkNamespace.Run(ns, () => TapDevice.Create("weft0"));
            using (var netlink = RtNetlink.Open(ns))
            {
                netlink.SetMac("weft0", System.Net.NetworkInformation.PhysicalAddress.Parse(mac.ToString().Replace(':', '-')));
                netlink.SetMtu("weft0", 1450);
                netlink.AddAddress("weft0", overlay.ToIPAddress(), 24);
                netlink.SetUp("weft0");
                netlink.SetUp("lo");
            }
            var address = LabNames.HostAddress(host);
            var underlay = new UdpUnderlay($"{prefix}-h{host}", address, VxlanHeader.DefaultPort);
            var vtep = new Vtep(underlay, options: new VtepOptions { BatchSize = 16, BufferCapacity = 4096 });
            var device = new TapFrameDevice(tap);
            vtep.AttachNetwork(vni, device);
            return new End(ns, overlay, mac, PeerEndpoint.From(new IPEndPoint(address, VxlanHeader.DefaultPort)), vtep, device, underlay);
        }

        public void Dispose()
        {
            Vtep.Dispose();
            foreach (var owned in _owned) owned.Dispose();
            NetworkNamespace.DeleteIfExists(Namespace);
        }
    }
}
