using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>
/// A <see cref="Vtep"/> that is not started, so the test thread drives it as its reader threads would: one plain VNI on
/// seams that only count, local container a (10.0.0.2), remote container b (10.0.0.3) behind <see cref="PeerOfB"/>, and a
/// second peer (198.51.100.3) that only takes part in flooding.
/// </summary>
public sealed class DirectVtep : IDisposable
{
    public const uint Vni = 4096;
    public static readonly IPv4Address A = IPv4Address.Parse("10.0.0.2");
    public static readonly IPv4Address B = IPv4Address.Parse("10.0.0.3");
    public static readonly PeerEndpoint PeerOfB = PeerEndpoint.Parse("198.51.100.2", 4789);

    public DirectVtep()
    {
        Vtep = new Vtep(Underlay);
        Vtep.AttachNetwork(Vni, Device);
        Vtep.Table.SetEndpoint(Vni, MacAddress.FromIPv4(B), B, PeerOfB);
        Vtep.Table.AddPeer(Vni, PeerEndpoint.Parse("198.51.100.3", 4789));
    }

    public CountingUnderlay Underlay { get; } = new();
    public CountingFrameDevice Device { get; } = new();
    public Vtep Vtep { get; }

    public void Dispose() => Vtep.Dispose();
}
