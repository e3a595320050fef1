using System.Buffers.Binary;

namespace Weft.DataPlane.Tests.Offload;

/// <summary>Builds Ethernet/IP/TCP frames for offload tests and checks them with an independent RFC 1071 implementation.</summary>
internal static class TcpFrames
{
    public static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    /// <summary>An IPv4 (or IPv6) TCP frame with timestamp-like options, valid IP and TCP checksums.</summary>
    public static byte[] Make(bool ipv6, uint seq, byte flags, byte[] payload, ushort ipId = 100, ushort srcPort = 40000)
    {
        var ipLen = ipv6 ? 40 : 20;
        const int tcpLen = 32;
        var frame = new byte[14 + ipLen + tcpLen + payload.Length];
        byte[] dst = [0x02, 0x42, 10, 0, 0, 3], src = [0x02, 0x42, 10, 0, 0, 2];
        dst.CopyTo(frame, 0);
        src.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), ipv6 ? (ushort)0x86DD : (ushort)0x0800);
        var ip = frame.AsSpan(14);
        if (ipv6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(tcpLen + payload.Length));
            ip[6] = 6;
            ip[7] = 64;
            ip[8] = 0xfd; ip[23] = 2;
            ip[24] = 0xfd; ip[39] = 3;
        }
        else
        {
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ipLen + tcpLen + payload.Length));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
            ip[6] = 0x40; // DF
            ip[8] = 64;
            ip[9] = 6;
            ip[12] = 10; ip[15] = 2;
            ip[16] = 10; ip[19] = 3;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~Sum(ip[..20]));
        }
        var tcp = ip[ipLen..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 5201);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 777);
        tcp[12] = (tcpLen / 4) << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 502);
        tcp[20] = 1; tcp[21] = 1; tcp[22] = 8; tcp[23] = 10; // NOP NOP TS
        BinaryPrimitives.WriteUInt32BigEndian(tcp[24..], 123456);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[28..], 654321);
        payload.CopyTo(tcp[tcpLen..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~TcpSum(frame));
        return frame;
    }

    public static int IpHeaderLength(byte[] frame) => frame[12] == 0x86 ? 40 : (frame[14] & 0x0f) * 4;

    /// <summary>RFC 1071 sum, byte by byte (independent of Weft.Wire.Checksum).</summary>
    public static ushort Sum(ReadOnlySpan<byte> data, uint initial = 0)
    {
        var sum = initial;
        for (var i = 0; i < data.Length; i++) sum += i % 2 == 0 ? (uint)data[i] << 8 : data[i];
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>Ones' complement sum over pseudo-header + TCP segment, from the IP header's own length field.</summary>
    public static ushort TcpSum(byte[] frame)
    {
        var v6 = frame[12] == 0x86;
        var ipLen = IpHeaderLength(frame);
        var ip = frame.AsSpan(14);
        int tcpLength = v6 ? BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) : BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) - ipLen;
        var addresses = v6 ? ip.Slice(8, 32) : ip.Slice(12, 8);
        uint pseudo = Sum(addresses);
        pseudo += 6u + (uint)tcpLength;
        return Sum(ip.Slice(ipLen, tcpLength), pseudo);
    }

    public static bool TcpChecksumValid(byte[] frame) => TcpSum(frame) == 0xffff;

    public static bool IPv4HeaderValid(byte[] frame) => Sum(frame.AsSpan(14, IpHeaderLength(frame))) == 0xffff;

    public static uint Seq(byte[] frame) => BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(14 + IpHeaderLength(frame) + 4));

    public static byte Flags(byte[] frame) => frame[14 + IpHeaderLength(frame) + 13];

    public static byte[] PayloadOf(byte[] frame) => frame[(14 + IpHeaderLength(frame) + 32)..];
}
