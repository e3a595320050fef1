namespace Weft.DataPlane.Offload;

/// <summary>
/// Which speed-ups the data path actually runs with (detected at start; what is missing falls back to the plain path).
/// For <c>weft info</c>.
/// </summary>
/// <param name="Requested">Offloads were allowed by <see cref="OffloadSettings"/>.</param>
/// <param name="TapSegmentation">TAP opened with IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO4, TSO6): large TCP frames from the kernel are split in software.</param>
/// <param name="TapCoalescing">TCP segments written to the TAP are coalesced into GSO super-frames.</param>
/// <param name="UdpBatching">sendmmsg/recvmmsg on the underlay socket.</param>
/// <param name="UdpSegmentation">UDP_SEGMENT (GSO) on send.</param>
/// <param name="UdpGro">UDP_GRO on receive.</param>
public sealed record DataPathFeatures(bool Requested, bool TapSegmentation, bool TapCoalescing, bool UdpBatching, bool UdpSegmentation, bool UdpGro)
{
    public static DataPathFeatures Plain { get; } = new(false, false, false, false, false, false);

    /// <summary>"tap-tso tap-gro udp-mmsg udp-gso udp-gro" style summary of what is on ("plain" when nothing is).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (TapSegmentation) parts.Add("tap-tso");
        if (TapCoalescing) parts.Add("tap-gro");
        if (UdpBatching) parts.Add("udp-mmsg");
        if (UdpSegmentation) parts.Add("udp-gso");
        if (UdpGro) parts.Add("udp-gro");
        return parts.Count == 0 ? (Requested ? "plain (offloads unavailable)" : "plain (offloads off)") : string.Join(' ', parts);
    }
}
