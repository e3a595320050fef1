namespace Weft.DataPlane.Offload;

/// <summary>
/// Whether the data path may use kernel offloads (TAP TSO/checksum with software segmentation and coalescing, UDP GSO/GRO,
/// sendmmsg/recvmmsg). On by default; <c>WEFT_OFFLOADS=off</c> in weftd's environment forces the plain path (one
/// read/write/send per frame), for tests and as an escape hatch. Read in one place: <see cref="FromEnvironment"/>.
/// </summary>
public sealed record OffloadSettings(bool Enabled)
{
    public const string EnvironmentVariable = "WEFT_OFFLOADS";

    public static OffloadSettings On { get; } = new(true);

    public static OffloadSettings Off { get; } = new(false);

    /// <summary>Off when <c>WEFT_OFFLOADS</c> is off, 0, false or no (any case); on otherwise.</summary>
    public static OffloadSettings FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static OffloadSettings Parse(string? value) =>
        value?.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no" ? Off : On;
}
