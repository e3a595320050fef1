using System.Text;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Podman on an encrypted Weft network: a marker served over HTTP between podman containers of h1 and h2 shows on the
/// underlay in clear on the plain network and never on the encrypted one (where it still arrives).
/// </summary>
public sealed partial class CniRuntimeTests
{
    private const string Marker = "WEFT-PODMAN-MARKER-13";

    [RootFact("ip", "podman", "tcpdump")]
    public void A_marker_between_podman_containers_is_in_clear_on_the_plain_networks_underlay_and_not_on_the_encrypted_ones()
    {
        lab.Must("-H", "h1", "network", "create", "--driver", "overlay", "--opt", "encrypted", "pe");
        for (var host = 1; host <= 2; host++) lab.Install(host, "pe");
        lab.Podman(1, "run", "-d", "--name", "ea", "--network", "pe", CniRuntimesLab.Image, "sleep", "3600").EnsureSuccess("podman run ea");
        lab.Podman(2, "run", "-d", "--name", "eb", "--network", "pe", CniRuntimesLab.Image, "sleep", "3600").EnsureSuccess("podman run eb");
        try
        {
            var marker = Encoding.ASCII.GetBytes(Marker);
            Assert.True(Underlay("pa", "pb", 8081).AsSpan().IndexOf(marker) >= 0, "the plain network's VXLAN carries the marker in clear (the capture works)");
            Assert.True(Underlay("ea", "eb", 8082).AsSpan().IndexOf(marker) < 0, "the encrypted network's VXLAN never shows it");
        }
        finally
        {
            lab.Podman(1, "rm", "--force", "--time", "0", "ea");
            lab.Podman(2, "rm", "--force", "--time", "0", "eb");
        }
    }

    /// <summary>h2's underlay while container <paramref name="from"/> (h1) fetches the marker from <paramref name="to"/> (h2), by name.</summary>
    private byte[] Underlay(string from, string to, int port)
    {
        var body = string.Concat(Enumerable.Repeat(Marker + " ", 8));
        lab.Podman(2, "exec", to, "sh", "-c", $"mkdir -p /tmp/m && echo '{body}' > /tmp/m/marker && httpd -p {port} -h /tmp/m").EnsureSuccess($"httpd in {to}");
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-{to}.pcap");
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
            {
                var got = lab.Podman(1, "exec", from, "wget", "-q", "-O", "-", $"http://{to}:{port}/marker");
                Assert.True(got.StdOut.Contains(Marker, StringComparison.Ordinal), $"{from} fetched the marker from {to}: {got.StdErr}");
            }
            return File.ReadAllBytes(pcap);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
