using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Weft.Linux.Namespaces;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 6's acceptance tests in the lab with real agents: ping by name over an encrypted network, a marker sent over TCP
/// between two containers visible on the underlay of a plain network and not of the encrypted one (tcpdump as the observer), no loss across a key rotation
/// (ping, and a TCP stream without retransmissions),
/// and no key on a host that takes no part in the network.
/// </summary>
public sealed class EncryptedScenarioTests(EncryptedLab lab) : IClassFixture<EncryptedLab>
{
    private const string Marker = "WEFT-TCP-MARKER-6c1e"; // sent over a TCP connection between the two containers

    [RootFact("ip", "ping")]
    public void Enc_a_pings_enc_b_by_name_and_the_mtu_leaves_room_for_the_seal()
    {
        Assert.Equal("true AES-256-GCM\n", lab.Must("-H", "h2", "network", "inspect", "secure-net", "--format", "{{.Encrypted}} {{.EncryptionAlgorithm}}"));
        var ping = lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-c", "3", "enc-b");
        Assert.True(ping.ExitCode == 0, ping.Err + ping.Out);
        Assert.Contains($"PING enc-b ({lab.AddressOf("enc-b", "secure-net")})", ping.Out);
        Assert.Contains("3 received", ping.Out);

        var plainMtu = int.Parse(lab.Must("-H", "h1", "network", "inspect", "plain-net", "--format", "{{.Mtu}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var secureMtu = lab.Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.Mtu}}").Trim();
        Assert.Equal((plainMtu - 32).ToString(System.Globalization.CultureInfo.InvariantCulture), secureMtu);
        Assert.Equal(secureMtu, lab.Must("-H", "h1", "exec", "enc-a", "cat", "/sys/class/net/eth0/mtu").Trim());
    }

    [RootFact("ip", "tcpdump")]
    public async Task A_marker_sent_over_tcp_is_visible_on_the_underlay_of_the_plain_network_and_not_of_the_encrypted_one()
    {
        var plain = await CaptureTcpMarker("plain-a", "plain-b", "plain-net", 5003);
        var sealedBytes = await CaptureTcpMarker("enc-a", "enc-b", "secure-net", 5004);
        var marker = Encoding.ASCII.GetBytes(Marker);
        Assert.True(plain.AsSpan().IndexOf(marker) >= 0, "the plain network's VXLAN carries the marker in clear");
        Assert.True(sealedBytes.Length > 24 + 5 * 100, "the encrypted network's datagrams (handshake, data, acks, close) were captured");
        Assert.True(sealedBytes.AsSpan().IndexOf(marker) < 0, "the encrypted network's VXLAN never shows the marker");
    }

    [RootFact("ip")]
    public void Hosts_joining_a_network_for_the_first_time_need_no_key_rotation()
    {
        // h1 and h2 each built a key ring for secure-net when their first container joined; neither had ever held one of
        // its keys, so neither needed a fresh epoch (that is only for a ring rebuilt after a restart: EncryptedRestartTests).
        Assert.Equal("1", lab.EpochAfterJoins);
    }

    [RootFact("ip", "ping")]
    public async Task A_continuous_ping_across_a_key_rotation_loses_nothing()
    {
        var before = Epoch();
        var dropsBefore = (KeyDrops(1), KeyDrops(2));
        var ping = Task.Run(() => lab.Weft("-H", "h1", "exec", "enc-a", "ping", "-i", "0.05", "-c", "100", "-W", "1", "enc-b"));
        await Task.Delay(500);
        Assert.Equal("secure-net\n", lab.Must("-H", "h2", "network", "rotate-key", "secure-net")); // from a worker: forwarded to the manager
        var result = await ping;
        Assert.True(result.ExitCode == 0, result.Err + result.Out);
        Assert.Contains("100 packets transmitted, 100 received", result.Out);
        Assert.Equal(dropsBefore, (KeyDrops(1), KeyDrops(2)));
        Assert.True(CliLab.Eventually(() => Epoch() == before + 1, TimeSpan.FromSeconds(5)), $"send epoch moved from {before} to {before + 1}");
        Assert.True(CliLab.Eventually(() => Ring(1)?.SendEpoch == before + 1 && Ring(2)?.SendEpoch == before + 1, TimeSpan.FromSeconds(5)),
            "both members seal with the new epoch");
        Assert.Contains(before, Ring(2)!.Epochs); // the overlap: the old epoch is still accepted (retired 30 s after activation)
        Assert.Equal(0, lab.Weft("-H", "h2", "exec", "enc-b", "ping", "-c", "1", "-W", "1", "enc-a").ExitCode);
    }

    [RootFact("ip")]
    public async Task A_5_second_tcp_stream_across_a_key_rotation_arrives_intact_and_no_datagram_is_dropped_for_its_key()
    {
        var before = Epoch();
        var b = IPAddress.Parse(lab.AddressOf("enc-b", "secure-net"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var sink = TcpSink.Start($"{lab.Prefix}-h2-c-enc-b", 5002, timeout.Token);
        var dropsBefore = (KeyDrops(1), KeyDrops(2));
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        using (var client = NetworkNamespace.OpenSocket($"{lab.Prefix}-h1-c-enc-a", AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(b, 5002), timeout.Token);
            var started = DateTime.UtcNow;
            var rotated = false;
            while (DateTime.UtcNow - started < TimeSpan.FromSeconds(5)) // paced (~3 MB/s): the rotation, not the load, is under test
            {
                var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
                await client.SendAsync(chunk, timeout.Token);
                sent.AppendData(chunk);
                length += chunk.Length;
                if (!rotated && DateTime.UtcNow - started > TimeSpan.FromSeconds(1))
                {
                    Assert.Equal("secure-net\n", lab.Must("-H", "h1", "network", "rotate-key", "secure-net"));
                    rotated = true;
                }
                await Task.Delay(20, timeout.Token);
            }
            client.Shutdown(SocketShutdown.Send);
            var (total, hash) = await sink.Received;
            Assert.Equal(length, total);
            Assert.Equal(sent.GetHashAndReset(), hash);
        }
        Assert.True(Epoch() > before, "the send epoch moved during the stream");
        // TCP would hide a loss by retransmitting (and this busy userspace path does retransmit a little even without a
        // rotation), so the claim is checked where it lives: neither VTEP dropped a datagram for want of a key.
        Assert.Equal(dropsBefore, (KeyDrops(1), KeyDrops(2)));
    }

    /// <summary>Datagrams host h<paramref name="host"/>'s VTEP dropped for key reasons (no send key, unknown epoch, failed open, replay, unsealed).</summary>
    private long KeyDrops(int host)
    {
        using var drops = JsonDocument.Parse(lab.Must("-H", $"h{host}", "info", "--format", "{{json .DataPlane.Drops}}"));
        return new[] { "NoKey", "UnknownKey", "BadSeal", "Replay", "Unsealed", "StaleEpoch" }
            .Sum(reason => drops.RootElement.TryGetProperty(reason, out var n) ? n.GetInt64() : 0);
    }

    [RootFact("ip")]
    public void Members_hold_the_same_key_and_a_host_outside_the_network_holds_none()
    {
        var h1 = Ring(1);
        var h2 = Ring(2);
        Assert.NotNull(h1);
        Assert.NotNull(h2);
        Assert.Equal("AES-256-GCM", h1.Algorithm);
        Assert.NotNull(h1.SendEpoch);
        Assert.Equal(Fingerprint(h1, h1.SendEpoch!.Value), Fingerprint(h2, h1.SendEpoch.Value));
        Assert.Null(Ring(3));
        Assert.Equal("[]", lab.Must("-H", "h3", "info", "--format", "{{json .DataPlane.Encryption}}").Trim());
    }

    private uint Epoch() =>
        uint.Parse(lab.Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.KeyEpoch}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private sealed record RingInfo(uint Vni, string Algorithm, uint? SendEpoch, List<uint> Epochs, List<string> Fingerprints);

    /// <summary>Host h<paramref name="host"/>'s key ring of secure-net as <c>weft info</c> shows it, or null.</summary>
    private RingInfo? Ring(int host)
    {
        var json = lab.Must("-H", $"h{host}", "info", "--format", "{{json .DataPlane.Encryption}}");
        return JsonSerializer.Deserialize<List<RingInfo>>(json)!.SingleOrDefault(r => r.Vni == lab.SecureVni);
    }

    private static string Fingerprint(RingInfo ring, uint epoch) => ring.Fingerprints[ring.Epochs.IndexOf(epoch)];

    /// <summary>
    /// Sends the marker over a TCP connection from container <paramref name="from"/> (h1) to <paramref name="to"/> (h2) on
    /// <paramref name="network"/> while tcpdump records h2's underlay; checks it arrived and returns the pcap's bytes.
    /// </summary>
    private async Task<byte[]> CaptureTcpMarker(string from, string to, string network, int port)
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-{network}.pcap");
        var payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Marker + " ", 8)));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
            {
                using var sink = TcpSink.Start($"{lab.Prefix}-h2-c-{to}", port, timeout.Token);
                using (var client = NetworkNamespace.OpenSocket($"{lab.Prefix}-h1-c-{from}", AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                {
                    await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(lab.AddressOf(to, network)), port), timeout.Token);
                    await client.SendAsync(payload, timeout.Token);
                    client.Shutdown(SocketShutdown.Send);
                    var (total, hash) = await sink.Received;
                    Assert.Equal(payload.Length, total);
                    Assert.Equal(SHA256.HashData(payload), hash);
                }
            }
            return File.ReadAllBytes(pcap);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
