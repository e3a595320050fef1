using System.Net;
using Weft.Api.Dto;
using Weft.Lab;
using Weft.Wire;

namespace Weft.Cli.Demo;

/// <summary>Prints a decoded underlay frame layer by layer, naming the lab hosts and containers its addresses belong to.</summary>
internal static class PacketExplainer
{
    public static IReadOnlyList<string> Lines(VxlanPacket packet, NetworkInspect network, int hosts)
    {
        var lines = new List<string>
        {
            $"  outer Ethernet  {packet.OuterEthernet.Source} → {packet.OuterEthernet.Destination}   type 0x{packet.OuterEthernet.EtherType:x4} (IPv4)",
            $"  outer IPv4      {packet.OuterIp.Source} → {packet.OuterIp.Destination}   " +
            $"{HostName(packet.OuterIp.Source, hosts)} → {HostName(packet.OuterIp.Destination, hosts)} on the underlay, protocol {packet.OuterIp.Protocol} (UDP), ttl {packet.OuterIp.Ttl}",
            $"  outer UDP       port {packet.OuterUdp.SourcePort} → {packet.OuterUdp.DestinationPort}   " +
            (packet.OuterUdp.DestinationPort == VxlanHeader.DefaultPort ? "4789 is VXLAN's IANA port" : "the network's VXLAN port") +
            SourcePort(packet, network, hosts),
            $"  VXLAN           flags 0x{packet.VxlanFlags:x2} (I: VNI valid), VNI {packet.Vxlan.Vni}   " +
            (packet.Vxlan.Vni == (uint)network.Vni
                ? $"= the VNI 'network inspect' reports for {network.Name}"
                : $"≠ {network.Vni}, the VNI 'network inspect' reports for {network.Name}"),
            $"  inner Ethernet  {packet.InnerEthernet.Source} → {packet.InnerEthernet.Destination}   " +
            $"{ContainerByMac(network, packet.InnerEthernet.Source)} → {ContainerByMac(network, packet.InnerEthernet.Destination)} (MAC 02:42:<IPv4>)",
        };
        if (packet.InnerIp is { } ip)
        {
            lines.Add($"  inner IPv4      {ip.Source} → {ip.Destination}   " +
                      $"{ContainerByIp(network, ip.Source)} → {ContainerByIp(network, ip.Destination)}, protocol {ip.Protocol}{(ip.Protocol == IPv4Header.ProtocolIcmp ? " (ICMP)" : "")}, ttl {ip.Ttl}");
        }
        if (packet.InnerEcho is { } echo)
        {
            lines.Add($"  inner ICMP      echo {(echo.IsRequest ? "request" : "reply")} id {echo.Identifier} seq {echo.Sequence}   the ping itself, untouched");
        }
        return lines;
    }

    /// <summary>
    /// Where the outer source port comes from. <paramref name="network"/> is inspect's answer from the sending host (h1), so
    /// its DataPath is the sender's: the kernel's vxlan device hashes the inner flow into its own port range, the userspace
    /// VTEP into the ports <c>weft info</c> lists.
    /// </summary>
    private static string SourcePort(VxlanPacket packet, NetworkInspect network, int hosts)
    {
        var sender = HostName(packet.OuterIp.Source, hosts);
        if (packet.OuterUdp.SourcePort == packet.OuterUdp.DestinationPort) return "; the sending VTEP uses it as source port too";
        return network.DataPath == DemoDataPath.Kernel
            ? $"; {sender}'s vxlan device picks the source port from a hash of the inner flow, so underlay ECMP spreads flows"
            : $"; the source port comes from a hash of the inner flow (one of {sender}'s VXLAN source ports), so underlay ECMP spreads flows";
    }

    private static string HostName(IPv4Address address, int hosts)
    {
        for (var host = 1; host <= hosts; host++)
        {
            if (IPv4Address.From(LabNames.HostAddress(host)) == address) return $"h{host}";
        }
        return "?";
    }

    private static string ContainerByMac(NetworkInspect network, MacAddress mac) =>
        network.Containers.Values.FirstOrDefault(c => MacAddress.TryParse(c.MacAddress, out var m) && m == mac)?.Name ?? "?";

    private static string ContainerByIp(NetworkInspect network, IPv4Address address) =>
        network.Containers.Values.FirstOrDefault(c => IPAddress.TryParse(c.IPv4Address.Split('/')[0], out var a) && IPv4Address.From(a) == address)?.Name ?? "?";
}
