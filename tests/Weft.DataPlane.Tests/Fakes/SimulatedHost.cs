using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>One simulated host: a running <see cref="Vtep"/> on the fabric with one <see cref="FakeFrameDevice"/> per VNI.</summary>
public sealed class SimulatedHost : IDisposable
{
    private readonly Dictionary<uint, FakeFrameDevice> _devices = new();

    /// <param name="port">The UDP port the host's underlay is bound to.</param>
    /// <param name="destinationPort">The VTEP's <see cref="VtepOptions.DestinationPort"/> (null: the default).</param>
    public SimulatedHost(VirtualFabric fabric, string underlayAddress, ushort port = VxlanHeader.DefaultPort, ushort? destinationPort = null)
    {
        Underlay = fabric.Connect(underlayAddress, port);
        var options = new VtepOptions { BatchSize = 16, BufferCapacity = 4096 };
        if (destinationPort is { } p) options = options with { DestinationPort = p };
        Vtep = new Vtep(Underlay, options: options);
        Vtep.Start();
    }

    public FakeUnderlay Underlay { get; }
    public Vtep Vtep { get; }
    public PeerEndpoint Address => Underlay.LocalEndpoint;

    public FakeFrameDevice Network(uint vni)
    {
        if (!_devices.TryGetValue(vni, out var device))
        {
            device = new FakeFrameDevice();
            _devices[vni] = device;
            Vtep.AttachNetwork(vni, device);
        }
        return device;
    }

    public FakeContainer Run(string name, string ip, uint vni) => new(name, ip, Network(vni));

    /// <summary>What a reconciler would program: <paramref name="container"/> (on <paramref name="owner"/>) is reachable on <paramref name="vni"/>.</summary>
    public void Learn(uint vni, FakeContainer container, SimulatedHost owner) =>
        Vtep.Table.SetEndpoint(vni, container.Mac, container.Ip, owner.Address);

    public void Dispose()
    {
        Vtep.Dispose();
        foreach (var d in _devices.Values) d.Dispose();
        Underlay.Dispose();
    }
}
