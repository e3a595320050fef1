using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane;

/// <summary>Settings of a <see cref="Vtep"/>.</summary>
public sealed record VtepOptions
{
    /// <summary>UDP destination port for peers given without one (RFC 7348 default 4789).</summary>
    public ushort DestinationPort { get; init; } = VxlanHeader.DefaultPort;

    /// <summary>Packets moved per read/receive call.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Bytes per preallocated packet buffer (headroom included).</summary>
    public int BufferCapacity { get; init; } = PacketBuffer.DefaultCapacity;
}
