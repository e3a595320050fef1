using System.Text;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 11's acceptance tests with real dockerds and real busybox containers: the seed's scenario with Docker commands,
/// names across three hosts, isolation between two Weft networks, a Docker and a Weft container on one network, a 20 MB
/// transfer, the plaintext marker on an encrypted Docker network, and Docker's error carrying Weft's message.
/// </summary>
public sealed partial class DockerScenarioTests(DockerScenarioLab lab) : IClassFixture<DockerScenarioLab>
{
    private const string Marker = "WEFT-DOCKER-MARKER-11d7";

    [DockerFact]
    public void The_seed_scenario_with_docker_commands()
    {
        foreach (var host in new[] { 1, 2, 3 })
            Assert.Equal("weft\n", lab.MustDocker(host, "network", "inspect", "app-overlay", "--format", "{{.Driver}}"));
        var ping = lab.Docker(1, "exec", "container-a", "ping", "-c", "3", "container-b");
        Assert.True(ping.ExitCode == 0, ping.StdErr + ping.StdOut);
        var b = lab.DockerAddress(2, "container-b", "app-overlay");
        Assert.Contains($"PING container-b ({b})", ping.StdOut);
        Assert.Contains("3 packets received", ping.StdOut);
        Assert.Equal(b, lab.AddressOf("container-b", "app-overlay")); // Weft's IPAM gave it
        Assert.Equal($"02:42:{string.Join(':', b.Split('.').Select(o => int.Parse(o, System.Globalization.CultureInfo.InvariantCulture).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))}",
            lab.MustDocker(2, "exec", "container-b", "cat", "/sys/class/net/eth0/address").Trim());
        Assert.Equal(lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{.Mtu}}").Trim(),
            lab.MustDocker(2, "exec", "container-b", "cat", "/sys/class/net/eth0/mtu").Trim());
        Assert.Contains("default via 10.", lab.MustDocker(2, "exec", "container-b", "ip", "route"));
    }

    [DockerFact]
    public void Three_containers_on_three_hosts_reach_each_other_by_name()
    {
        var names = new[] { (1, "container-a"), (2, "container-b"), (3, "container-c") };
        foreach (var (host, from) in names)
        {
            foreach (var (_, to) in names.Where(n => n.Item2 != from))
            {
                var ping = lab.Docker(host, "exec", from, "ping", "-c", "1", "-W", "2", to);
                Assert.True(ping.ExitCode == 0, $"{from} -> {to}: {ping.StdErr}{ping.StdOut}");
            }
        }
    }

    [DockerFact]
    public void Containers_of_two_weft_networks_do_not_reach_each_other()
    {
        lab.Run(3, "iso-x", "other-d");
        var a = lab.DockerAddress(1, "container-a", "app-overlay");
        Assert.NotEqual(0, lab.Docker(3, "exec", "iso-x", "ping", "-c", "2", "-W", "1", a).ExitCode);
        var x = lab.DockerAddress(3, "iso-x", "other-d");
        Assert.NotEqual(0, lab.Docker(1, "exec", "container-a", "ping", "-c", "2", "-W", "1", x).ExitCode);
        Assert.Equal(0, lab.Docker(3, "exec", "container-c", "ping", "-c", "1", "-W", "2", a).ExitCode); // the path itself works
    }

    [DockerFact]
    public void A_docker_container_and_a_weft_container_on_one_network_reach_each_other_by_name()
    {
        lab.Must("-H", "h2", "run", "-d", "--name", "weft-w", "--network", "app-overlay");
        Assert.True(CliLab.Eventually(() => lab.Docker(1, "exec", "container-a", "ping", "-c", "1", "-W", "1", "weft-w").ExitCode == 0, TimeSpan.FromSeconds(10)),
            "container-a (Docker, h1) reaches weft-w (Weft, h2) by name");
        var ping = lab.Weft("-H", "h2", "exec", "weft-w", "ping", "-c", "1", "-W", "2", "container-a");
        Assert.True(ping.ExitCode == 0, ping.Err + ping.Out);
        Assert.Contains(lab.DockerAddress(1, "container-a", "app-overlay"), ping.Out);
    }

    [DockerFact]
    public void A_20_MB_transfer_arrives_intact()
    {
        var served = lab.MustDocker(2, "exec", "container-b", "sh", "-c",
            "mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/data bs=1M count=20 2>/dev/null && md5sum /tmp/www/data && httpd -p 8080 -h /tmp/www");
        var received = lab.MustDocker(1, "exec", "container-a", "sh", "-c", "wget -q -O - http://container-b:8080/data | tee /tmp/got | md5sum; wc -c < /tmp/got");
        var sentHash = served.Split(' ')[0];
        var lines = received.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sentHash, lines[0].Split(' ')[0]);
        Assert.Equal("20971520", lines[1].Trim());
    }

    [DockerFact]
    public void A_marker_crosses_the_underlay_in_clear_on_the_plain_network_and_never_on_the_encrypted_one()
    {
        lab.Run(1, "enc-a", "secure-d");
        lab.Run(2, "enc-b", "secure-d");
        Assert.Equal("true\n", lab.Must("-H", "h1", "network", "inspect", "secure-d", "--format", "{{.Encrypted}}"));
        Assert.True(CliLab.Eventually(() => lab.Docker(1, "exec", "enc-a", "ping", "-c", "1", "-W", "1", "enc-b").ExitCode == 0, TimeSpan.FromSeconds(15)),
            "enc-a reaches enc-b over the encrypted network");
        var plain = CaptureMarker("container-a", "container-b", 8091);
        var sealedBytes = CaptureMarker("enc-a", "enc-b", 8092);
        var marker = Encoding.ASCII.GetBytes(Marker);
        Assert.True(plain.AsSpan().IndexOf(marker) >= 0, "the plain network's VXLAN carries the marker in clear");
        Assert.True(sealedBytes.Length > 24 + 5 * 100, "the encrypted network's datagrams were captured");
        Assert.True(sealedBytes.AsSpan().IndexOf(marker) < 0, "the encrypted network's VXLAN never shows the marker");
    }

    [DockerFact]
    public void Bad_options_an_overlapping_subnet_and_a_bad_mtu_are_refused_with_wefts_message()
    {
        var unknown = lab.Docker(1, "network", "create", "-d", "weft", "--ipam-driver", "weft", "-o", "bogus=1", "bad-1");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown option 'bogus': known options are encrypted", unknown.StdErr);
        var subnet = lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{(index .IPAM.Config 0).Subnet}}").Trim();
        var overlap = lab.Docker(1, "network", "create", "-d", "weft", "--ipam-driver", "weft", "--subnet", subnet, "bad-2");
        Assert.NotEqual(0, overlap.ExitCode);
        Assert.Contains($"overlaps network app-overlay ({subnet})", overlap.StdErr);
        var mtu = lab.Docker(1, "network", "create", "-d", "weft", "--ipam-driver", "weft", "-o", "mtu=20", "bad-3");
        Assert.NotEqual(0, mtu.ExitCode);
        Assert.Contains("mtu 20 is out of range: use 68..65535", mtu.StdErr);
        var defaultIpam = lab.Docker(1, "network", "create", "-d", "weft", "bad-4");
        Assert.NotEqual(0, defaultIpam.ExitCode);
        Assert.Contains("add --ipam-driver weft", defaultIpam.StdErr);
        var left = lab.MustDocker(1, "network", "ls", "--format", "{{.Name}}");
        Assert.DoesNotContain("bad-", left);
        Assert.DoesNotContain("bad-", lab.Must("-H", "h1", "network", "ls"));
    }

    /// <summary>
    /// Sends the marker over TCP (busybox httpd serving it, wget fetching it) from <paramref name="to"/> (h2) to
    /// <paramref name="from"/> (h1) while tcpdump records h2's underlay; returns the pcap's bytes.
    /// </summary>
    private byte[] CaptureMarker(string from, string to, int port)
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-{to}.pcap");
        try
        {
            var body = string.Concat(Enumerable.Repeat(Marker + " ", 8));
            lab.MustDocker(2, "exec", to, "sh", "-c", $"mkdir -p /tmp/m && echo '{body}' > /tmp/m/marker && httpd -p {port} -h /tmp/m");
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
            {
                var got = lab.MustDocker(1, "exec", from, "wget", "-q", "-O", "-", $"http://{to}:{port}/marker");
                Assert.Contains(Marker, got);
            }
            return File.ReadAllBytes(pcap);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
