using System.Globalization;
using Weft.Control.Errors;

namespace Weft.Control.Ipam;

/// <summary>An IPv4 prefix such as 10.0.1.0/24, with the host bits of <see cref="Network"/> zero.</summary>
public readonly record struct Ipv4Cidr
{
    public Ipv4Cidr(uint network, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        PrefixLength = prefixLength;
        Network = network & MaskOf(prefixLength);
    }

    public uint Network { get; }

    public int PrefixLength { get; }

    public uint Mask => MaskOf(PrefixLength);

    /// <summary>The last address (the broadcast address for prefixes up to /30).</summary>
    public uint Last => Network | ~Mask;

    public ulong Size => 1UL << (32 - PrefixLength);

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Contains(Ipv4Cidr other) => other.PrefixLength >= PrefixLength && Contains(other.Network);

    public bool Overlaps(Ipv4Cidr other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ipv4.Format(Network)}/{PrefixLength}");

    public static uint MaskOf(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);

    public static bool TryParse(string text, out Ipv4Cidr cidr, out bool hostBitsSet)
    {
        cidr = default;
        hostBitsSet = false;
        var slash = text.IndexOf('/');
        if (slash < 0 || !Ipv4.TryParse(text.AsSpan(0, slash), out var address))
        {
            return false;
        }

        var length = text.AsSpan(slash + 1);
        if (length.Length is 0 or > 2 || !int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return false;
        }

        cidr = new Ipv4Cidr(address, prefix);
        hostBitsSet = cidr.Network != address;
        return true;
    }

    /// <summary>
    /// Parses strictly or throws <see cref="WeftInvalidArgumentException"/> naming <paramref name="what"/> ("subnet", "ip-range"):
    /// IPv6 is refused as unsupported, and host bits must be zero (10.0.1.5/24 is answered with "it should be 10.0.1.0/24").
    /// </summary>
    public static Ipv4Cidr Parse(string text, string what)
    {
        if (TryParse(text, out var cidr, out var hostBitsSet))
        {
            return hostBitsSet
                ? throw new WeftInvalidArgumentException($"invalid {what} {text}: it should be {cidr}")
                : cidr;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            throw new WeftInvalidArgumentException($"{what} {text} is IPv6: only IPv4 {what}s are supported");
        }

        throw new WeftInvalidArgumentException($"invalid {what} '{text}': expected IPv4 CIDR notation like 10.0.1.0/24");
    }
}
