using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 5: the overlay MTU is the underlay's minus VXLAN's 50 bytes, read from the underlay interface. On an underlay of
/// 1400 (not the 1500 weftd would also fall back to) networks get 1350, containers' eth0 too, and a full-size packet with
/// DF set crosses hosts while one byte more is refused at the container instead of vanishing in the underlay.
/// </summary>
public sealed class UnderlayMtuTests(UnderlayMtuLab lab) : IClassFixture<UnderlayMtuLab>
{
    private const int OverlayMtu = UnderlayMtuLab.UnderlayMtu - 50;

    [RootFact("ip", "ping")]
    public void A_1400_byte_underlay_gives_networks_and_containers_an_mtu_of_1350_and_full_size_packets_cross()
    {
        Assert.Equal($"{OverlayMtu}", lab.Must("-H", "h1", "network", "inspect", "app-small", "--format", "{{.Mtu}}").Trim());
        Assert.True(CliLab.Eventually(() => lab.Weft("-H", "h2", "exec", "c2", "true").ExitCode == 0, TimeSpan.FromSeconds(5)), "c2 plumbed");
        Assert.Equal($"{OverlayMtu}", lab.Must("-H", "h1", "exec", "c1", "cat", "/sys/class/net/eth0/mtu").Trim());
        Assert.Equal($"{OverlayMtu}", lab.Must("-H", "h2", "exec", "c2", "cat", "/sys/class/net/eth0/mtu").Trim());

        // ICMP payload + 8 (ICMP) + 20 (IPv4) = the MTU: the largest packet that fits, with fragmentation forbidden.
        var fits = $"{OverlayMtu - 28}";
        Assert.True(CliLab.Eventually(() => lab.Weft("-H", "h1", "exec", "c1", "ping", "-c", "1", "-W", "1", "c2").ExitCode == 0, TimeSpan.FromSeconds(5)), "c1 reaches c2");
        var full = lab.Weft("-H", "h1", "exec", "c1", "ping", "-c", "2", "-W", "1", "-M", "do", "-s", fits, "c2");
        Assert.True(full.ExitCode == 0, full.Err + full.Out);
        Assert.Contains("2 received", full.Out);
        var tooBig = lab.Weft("-H", "h1", "exec", "c1", "ping", "-c", "1", "-W", "1", "-M", "do", "-s", $"{OverlayMtu - 27}", "c2");
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains($"mtu={OverlayMtu}", tooBig.Err + tooBig.Out);
    }
}
