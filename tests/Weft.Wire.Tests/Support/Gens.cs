using CsCheck;

namespace Weft.Wire.Tests.Support;

/// <summary>CsCheck generators for Weft's value types.</summary>
public static class Gens
{
    public static readonly Gen<MacAddress> Mac = Gen.ULong.Select(v => new MacAddress(v));
    public static readonly Gen<IPv4Address> IPv4 = Gen.UInt.Select(v => new IPv4Address(v));
    public static readonly Gen<uint> Vni = Gen.UInt[0, VxlanHeader.MaxVni];
}
