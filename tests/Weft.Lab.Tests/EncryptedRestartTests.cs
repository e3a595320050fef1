using System.Globalization;
using System.Text.Json;
using Weft.DataPlane.Sealing;
using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 6 across agent restarts, with real agents and tcpdump as the observer: sealed datagrams captured before h2's
/// weftd restarted are refused after it (its replay windows were lost with the process, so its new key ring accepts only
/// a fresh epoch) and never reach the container; and after h1's weftd is killed (SIGKILL) and restarted, every seal
/// counter it sends is above every one it sent before (the nonce counter's reservations are persisted).
/// </summary>
public sealed class EncryptedRestartTests(EncryptedLab lab) : IClassFixture<EncryptedLab>
{
    private static readonly uint H1Sender = SealSender.IdFromUnderlay(UnderlayTraffic.Vtep(1).Address);

    [RootFact("ip", "ping", "tcpdump")]
    public void Sealed_packets_captured_before_h2s_weftd_restarted_are_dropped_after_it_and_never_reach_enc_b()
    {
        AssertEncAReachesEncB(TimeSpan.FromSeconds(15));
        var captured = CaptureSealedFromH1(() => Assert.Equal(0, lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-c", "3", "-i", "0.2", "enc-b").ExitCode));
        Assert.NotEmpty(captured);
        var newestCaptured = captured.Max(d => Header(d).Epoch);

        RestartWeftd(2, "TERM");
        Assert.True(CliLab.Eventually(() => Ring(2)?.ReceiveFrom > newestCaptured, TimeSpan.FromSeconds(15)),
            $"h2's new key ring accepts only epochs after {newestCaptured} (it asked for a fresh one)");

        // The ring is installed before the same pass programs h2's forwarding entries and peers: until h1 is a peer of the
        // network again, a replay is dropped as UnknownPeer (admission comes first), not StaleEpoch. On a loaded machine
        // that gap was long enough to fail this test, so wait for enc-a's entry too.
        var encA = lab.Must("-H", "h1", "exec", "enc-a", "cat", "/sys/class/net/eth0/address").Trim();
        Assert.True(CliLab.Eventually(() => lab.Must("-H", "h2", "info", "--format", "{{json .DataPlane.Forwarding}}").Contains(encA, StringComparison.Ordinal),
            TimeSpan.FromSeconds(15)), "h2's restarted weftd programs enc-a's forwarding entry (and h1 as a peer)");
        var before = UnderlayTraffic.Drops(lab, 2, "StaleEpoch");
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-restart-replay.pcap");
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2-c-enc-b", "eth0", pcap, "icmp"))
            {
                UnderlayTraffic.Send($"{lab.Prefix}-h1", captured, UnderlayTraffic.Vtep(2));
                Assert.True(CliLab.Eventually(() => UnderlayTraffic.Drops(lab, 2, "StaleEpoch") >= before + captured.Count, TimeSpan.FromSeconds(5)),
                    $"h2 counted all {captured.Count} replayed datagrams as StaleEpoch");
            }
            Assert.Equal(24, new FileInfo(pcap).Length); // the pcap global header only: no replayed ICMP reached enc-b
        }
        finally
        {
            File.Delete(pcap);
        }

        AssertEncAReachesEncB(TimeSpan.FromSeconds(15)); // once the fresh epoch is active, traffic flows again
    }

    [RootFact("ip", "ping", "tcpdump")]
    public void After_h1s_weftd_is_killed_and_restarted_every_seal_counter_it_sends_is_above_every_one_sent_before()
    {
        AssertEncAReachesEncB(TimeSpan.FromSeconds(15));
        var before = CaptureSealedFromH1(() => Assert.Equal(0, lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-c", "3", "-i", "0.2", "enc-b").ExitCode))
            .Select(Header).ToList();
        Assert.NotEmpty(before);
        Assert.All(before, h => Assert.Equal(H1Sender, h.SenderId));

        RestartWeftd(1, "KILL");
        // From the restart on, while traffic resumes (h1 seals with the current epoch at once, with a fresh one ~2 s later).
        var after = CaptureSealedFromH1(() => AssertEncAReachesEncB(TimeSpan.FromSeconds(20))).Select(Header).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, h => Assert.Equal(H1Sender, h.SenderId));

        var oldMax = before.Max(h => h.Counter);
        Assert.All(after, h => Assert.True(h.Counter > oldMax, $"counter {h.Counter} (epoch {h.Epoch}) after the crash is above {oldMax}"));
        foreach (var group in after.GroupBy(h => (h.Epoch, h.SenderId)))
        {
            var old = before.Where(h => (h.Epoch, h.SenderId) == group.Key).ToList();
            if (old.Count > 0) Assert.True(group.Min(h => h.Counter) > old.Max(h => h.Counter), $"epoch {group.Key.Epoch}: a nonce reused");
        }
    }

    [RootFact("ip", "ping")]
    public void A_host_that_rejoins_after_a_rotation_accepts_only_epochs_it_never_held_without_asking_for_a_fresh_one()
    {
        AssertEncAReachesEncB(TimeSpan.FromSeconds(15));
        var held = Ring(2)!.Epochs.Max();

        // h2's last container leaves: its ring (and its replay windows) go. The network rotates while h2 is away.
        lab.Must("-H", "h2", "rm", "enc-b");
        Assert.True(CliLab.Eventually(() => Ring(2) is null, TimeSpan.FromSeconds(5)), "h2 dropped its key ring");
        lab.Must("-H", "h1", "network", "rotate-key", "secure-net");
        Assert.True(CliLab.Eventually(() => KeyEpoch() > held, TimeSpan.FromSeconds(15)), $"the network rotated past epoch {held}");
        var rotated = KeyEpoch();

        // h2 rejoins: a new ring floored just above what h2 held (its held-epochs record), with no fresh rotation needed.
        lab.Must("-H", "h2", "run", "-d", "--name", "enc-b", "--network", "secure-net");
        Assert.True(CliLab.Eventually(() => Ring(2)?.SendEpoch is not null, TimeSpan.FromSeconds(10)), "h2 has keys again");
        Assert.Equal(held + 1, Ring(2)!.ReceiveFrom);
        AssertEncAReachesEncB(TimeSpan.FromSeconds(15));
        Assert.Equal(rotated, KeyEpoch()); // the rejoin started no rotation of its own
    }

    private uint KeyEpoch() =>
        uint.Parse(lab.Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.KeyEpoch}}").Trim(), CultureInfo.InvariantCulture);

    private void AssertEncAReachesEncB(TimeSpan within) =>
        Assert.True(CliLab.Eventually(() => lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-c", "1", "-W", "1", "enc-b").ExitCode == 0, within),
            $"enc-a reaches enc-b within {within.TotalSeconds} s");

    /// <summary>Stops host h<paramref name="host"/>'s weftd by PID with <paramref name="signal"/> and starts it again as the lab does.</summary>
    private void RestartWeftd(int host, string signal)
    {
        var pid = int.Parse(File.ReadAllText($"/run/weft/{lab.Prefix}-h{host}/weftd.pid").Trim(), CultureInfo.InvariantCulture);
        Tool.Run("kill", $"-{signal}", pid.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill weftd");
        Assert.True(CliLab.Eventually(() => !CliLab.IsRunning(pid), TimeSpan.FromSeconds(10)), $"weftd of h{host} stopped");
        Assert.Contains("started weftd in", lab.Must("lab", "up", "--hosts", "3"));
    }

    /// <summary>The sealed secure-net datagrams h1 sent to h2 while <paramref name="traffic"/> ran, from a capture of h2's underlay.</summary>
    private List<byte[]> CaptureSealedFromH1(Action traffic)
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-from-h1.pcap");
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "dst", "port", "4789", "and", "src", "host", "198.51.100.1"))
                traffic();
            return UnderlayTraffic.UdpPayloads(File.ReadAllBytes(pcap))
                .Where(p => VxlanHeader.TryRead(p, out var v) && v.Vni == lab.SecureVni && SealFormat.IsSealed(p)).ToList();
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    private static SealHeader Header(byte[] datagram) =>
        SealHeader.TryRead(datagram.AsSpan(VxlanHeader.Size), out var header) ? header : throw new InvalidDataException("not a version-2 seal header");

    private sealed record RingInfo(uint Vni, uint? SendEpoch, List<uint> Epochs, uint ReceiveFrom);

    /// <summary>Host h<paramref name="host"/>'s key ring of secure-net as <c>weft info</c> shows it, or null.</summary>
    private RingInfo? Ring(int host)
    {
        var info = lab.Weft("-H", $"h{host}", "info", "--format", "{{json .DataPlane.Encryption}}");
        return info.ExitCode != 0 ? null : JsonSerializer.Deserialize<List<RingInfo>>(info.Out)!.SingleOrDefault(r => r.Vni == lab.SecureVni);
    }
}
