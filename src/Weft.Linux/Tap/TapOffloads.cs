namespace Weft.Linux.Tap;

/// <summary>TUN_F_* offload flags for TUNSETOFFLOAD (need <c>IFF_VNET_HDR</c>): what the kernel may hand us unfinished.</summary>
[Flags]
public enum TapOffloads : uint
{
    None = 0,
    /// <summary>Frames may carry a partial checksum (virtio NEEDS_CSUM).</summary>
    Checksum = 0x01,
    Tso4 = 0x02,
    Tso6 = 0x04,
    TsoEcn = 0x08,
    Ufo = 0x10,
    Uso4 = 0x20,
    Uso6 = 0x40,
}
