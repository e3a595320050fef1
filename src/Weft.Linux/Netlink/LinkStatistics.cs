using System.Buffers.Binary;

namespace Weft.Linux.Netlink;

/// <summary>A link's counters from <c>struct rtnl_link_stats64</c> (the first eight fields), as <c>ip -s link</c> shows them.</summary>
public sealed record LinkStatistics(
    ulong RxPackets, ulong TxPackets, ulong RxBytes, ulong TxBytes, ulong RxErrors, ulong TxErrors, ulong RxDropped, ulong TxDropped)
{
    /// <summary>Reads the leading u64 fields of rtnl_link_stats64 (host byte order, little-endian here).</summary>
    public static LinkStatistics Read(ReadOnlySpan<byte> stats64) => new(
        Field(stats64, 0), Field(stats64, 1), Field(stats64, 2), Field(stats64, 3),
        Field(stats64, 4), Field(stats64, 5), Field(stats64, 6), Field(stats64, 7));

    private static ulong Field(ReadOnlySpan<byte> stats, int index) => BinaryPrimitives.ReadUInt64LittleEndian(stats[(index * 8)..]);
}
