namespace Weft.DataPlane.Paths;

/// <summary>
/// One network's traffic through its data path on this host, from the overlay device's own counters: frames and bytes that
/// came in from the overlay (decapsulated) and went out to it (encapsulated), and what the device dropped.
/// </summary>
public sealed record NetworkTraffic(long PacketsIn, long BytesIn, long PacketsOut, long BytesOut, long Drops)
{
    public static NetworkTraffic None { get; } = new(0, 0, 0, 0, 0);
}
