using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Weft.Linux.Namespaces;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>Helpers of the encrypted-network lab tests: datagrams out of an underlay capture, sent again, and drop counters.</summary>
public static class UnderlayTraffic
{
    /// <summary>Host h<paramref name="host"/>'s VTEP as peers address it.</summary>
    public static IPEndPoint Vtep(int host) => new(IPAddress.Parse($"198.51.100.{host}"), VxlanHeader.DefaultPort);

    /// <summary>UDP payloads of the Ethernet/IPv4/UDP packets in a classic pcap (linktype 1).</summary>
    public static IEnumerable<byte[]> UdpPayloads(byte[] pcap)
    {
        for (var offset = 24; offset + 16 <= pcap.Length;)
        {
            var length = BitConverter.ToInt32(pcap, offset + 8);
            var frame = pcap.AsSpan(offset + 16, length);
            offset += 16 + length;
            if (!EthernetHeader.TryRead(frame, out var eth) || !IPv4Header.TryRead(frame[eth.HeaderLength..], out var ip)) continue;
            var udp = frame.Slice(eth.HeaderLength + ip.HeaderLength);
            if (UdpHeader.TryRead(udp, out var header)) yield return udp[UdpHeader.Size..header.Length].ToArray();
        }
    }

    /// <summary>Sends datagrams to <paramref name="to"/> from a socket in namespace <paramref name="namespaceName"/> (a lab host's: its source address is a known peer).</summary>
    public static void Send(string namespaceName, IEnumerable<byte[]> datagrams, IPEndPoint to)
    {
        using var socket = NetworkNamespace.OpenSocket(namespaceName, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (var datagram in datagrams) socket.SendTo(datagram, to);
    }

    /// <summary>How many datagrams host h<paramref name="host"/>'s VTEP dropped for <paramref name="reason"/> (weft info).</summary>
    public static long Drops(CliLab lab, int host, string reason)
    {
        using var drops = JsonDocument.Parse(lab.Must("-H", $"h{host}", "info", "--format", "{{json .DataPlane.Drops}}"));
        return drops.RootElement.TryGetProperty(reason, out var n) ? n.GetInt64() : 0;
    }
}
