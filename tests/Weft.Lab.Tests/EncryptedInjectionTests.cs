using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// Fail-closed checks of issue 6 on the real underlay: datagrams injected from a peer host's namespace (so they pass
/// VXLAN admission and reach the seal check) — a forged unsealed frame and replays of captured sealed packets — are
/// dropped and counted by h2's VTEP, and nothing reaches the container.
/// </summary>
public sealed class EncryptedInjectionTests(EncryptedLab lab) : IClassFixture<EncryptedLab>
{
    [RootFact("ip", "tcpdump")]
    public void A_forged_unsealed_datagram_for_the_encrypted_vni_never_reaches_the_container()
    {
        var a = IPv4Address.Parse(lab.AddressOf("enc-a", "secure-net"));
        var b = IPv4Address.Parse(lab.AddressOf("enc-b", "secure-net"));
        var forged = new byte[VxlanHeader.Size + EthernetHeader.Size + IPv4Header.MinSize + IcmpEcho.Size + 32];
        new VxlanHeader(lab.SecureVni).Write(forged);
        var frame = forged.AsSpan(VxlanHeader.Size);
        new EthernetHeader(MacAddress.FromIPv4(b), MacAddress.FromIPv4(a), EtherType.IPv4).Write(frame);
        var ip = frame[EthernetHeader.Size..];
        new IPv4Header(a, b, IPv4Header.ProtocolIcmp, (ushort)ip.Length).Write(ip);
        new IcmpEcho(IcmpEcho.TypeEchoRequest, 0x4242, 1).Write(ip[IPv4Header.MinSize..]);

        var before = Drops(2, "Unsealed");
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-forged.pcap");
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2-c-enc-b", "eth0", pcap, "icmp"))
            {
                SendFromH1(Enumerable.Repeat(forged, 3));
                Assert.True(CliLab.Eventually(() => Drops(2, "Unsealed") >= before + 3, TimeSpan.FromSeconds(3)), "h2 counted the forged datagrams as Unsealed");
            }
            Assert.Equal(24, new FileInfo(pcap).Length); // the pcap global header only: no ICMP packet reached enc-b
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [RootFact("ip", "ping", "tcpdump")]
    public void Captured_sealed_packets_sent_again_are_dropped_as_replays()
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-replay.pcap");
        List<byte[]> sealedFromH1;
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "dst", "port", "4789", "and", "src", "host", "198.51.100.1"))
                Assert.Equal(0, lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-c", "2", "enc-b").ExitCode);
            sealedFromH1 = UnderlayTraffic.UdpPayloads(File.ReadAllBytes(pcap))
                .Where(p => VxlanHeader.TryRead(p, out var v) && v.Vni == lab.SecureVni).ToList();
        }
        finally
        {
            File.Delete(pcap);
        }
        Assert.NotEmpty(sealedFromH1);

        var before = Drops(2, "Replay");
        SendFromH1(sealedFromH1);
        Assert.True(CliLab.Eventually(() => Drops(2, "Replay") >= before + sealedFromH1.Count, TimeSpan.FromSeconds(3)),
            $"h2 counted all {sealedFromH1.Count} replayed packets as Replay");
    }

    private long Drops(int host, string reason) => UnderlayTraffic.Drops(lab, host, reason);

    /// <summary>Sends datagrams to h2's VTEP from a socket in h1's namespace: the source address is a known peer.</summary>
    private void SendFromH1(IEnumerable<byte[]> datagrams) => UnderlayTraffic.Send($"{lab.Prefix}-h1", datagrams, UnderlayTraffic.Vtep(2));
}
