using System.Collections.Concurrent;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>
/// A container's minimal IPv4 stack on a <see cref="FakeFrameDevice"/>: answers ARP for its address and ICMP echo
/// requests, resolves peers with ARP, and records echo replies, so tests can "ping" across simulated hosts.
/// </summary>
public sealed class FakeContainer
{
    private readonly FakeFrameDevice _bridge;
    private readonly ConcurrentDictionary<IPv4Address, MacAddress> _arpCache = new();
    private readonly ConcurrentDictionary<ushort, IPv4Address> _echoReplies = new();

    public FakeContainer(string name, string ip, FakeFrameDevice bridge)
    {
        Name = name;
        Ip = IPv4Address.Parse(ip);
        Mac = MacAddress.FromIPv4(Ip);
        _bridge = bridge;
        bridge.Attach(this);
    }

    public string Name { get; }
    public IPv4Address Ip { get; }
    public MacAddress Mac { get; }

    /// <summary>Every frame this container received.</summary>
    public ConcurrentQueue<byte[]> Received { get; } = new();

    public void Send(byte[] frame) => _bridge.FromContainer(this, frame);

    /// <summary>ARP (if needed) then one ICMP echo; true when the reply arrives within <paramref name="timeout"/>.</summary>
    public bool Ping(IPv4Address target, ushort sequence, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(2));
        if (!_arpCache.ContainsKey(target))
        {
            Send(Frames.ArpRequest(Mac, Ip, target));
            if (!WaitUntil(() => _arpCache.ContainsKey(target), deadline)) return false;
        }
        Send(Frames.IcmpEcho(Mac, _arpCache[target], Ip, target, Wire.IcmpEcho.TypeEchoRequest, 0x77, sequence));
        return WaitUntil(() => _echoReplies.TryGetValue(sequence, out var from) && from == target, deadline);
    }

    public bool Knows(IPv4Address ip, out MacAddress mac) => _arpCache.TryGetValue(ip, out mac);

    internal void Receive(byte[] frame)
    {
        Received.Enqueue(frame);
        if (!EthernetHeader.TryRead(frame, out var eth)) return;
        var payload = frame.AsSpan(eth.HeaderLength);
        if (eth.EtherType == EtherType.Arp && ArpPacket.TryRead(payload, out var arp))
        {
            if (arp.IsRequest && arp.TargetIp == Ip) Send(Frames.ArpReply(arp, Mac));
            else if (!arp.IsRequest && arp.TargetIp == Ip) _arpCache[arp.SenderIp] = arp.SenderMac;
            return;
        }
        if (eth.EtherType != EtherType.IPv4 || !IPv4Header.TryRead(payload, out var ip) || ip.Destination != Ip) return;
        if (ip.Protocol != IPv4Header.ProtocolIcmp || !IcmpEcho.TryRead(payload[ip.HeaderLength..], out var echo)) return;
        if (echo.IsRequest)
        {
            _arpCache[ip.Source] = eth.Source;
            Send(Frames.IcmpEcho(Mac, eth.Source, Ip, ip.Source, Wire.IcmpEcho.TypeEchoReply, echo.Identifier, echo.Sequence));
        }
        else
        {
            _echoReplies[echo.Sequence] = ip.Source;
        }
    }

    private static bool WaitUntil(Func<bool> condition, DateTime deadline)
    {
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(2);
        }
        return true;
    }
}
