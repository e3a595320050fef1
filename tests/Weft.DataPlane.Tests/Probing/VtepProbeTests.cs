using Weft.DataPlane.Counters;
using Weft.DataPlane.Probing;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;

namespace Weft.DataPlane.Tests.Probing;

/// <summary>Link probes between real running <see cref="Vtep"/>s on a virtual fabric that can lose datagrams like a firewall or a small MTU.</summary>
public sealed class VtepProbeTests : IDisposable
{
    private const uint Net = 4096;
    /// <summary>Long enough for an answer on a loaded machine (a first sealed datagram also reserves nonces with an fsync).</summary>
    private static readonly TimeSpan Answered = TimeSpan.FromSeconds(5);

    /// <summary>How long a probe that cannot be answered is waited for.</summary>
    private static readonly TimeSpan Lost = TimeSpan.FromMilliseconds(500);

    private readonly VirtualFabric _fabric = new();
    private readonly SimulatedHost _h1;
    private readonly SimulatedHost _h2;
    private readonly FakeContainer _a;
    private readonly FakeContainer _b;

    public VtepProbeTests()
    {
        _h1 = new SimulatedHost(_fabric, "198.51.100.1");
        _h2 = new SimulatedHost(_fabric, "198.51.100.2");
        _a = _h1.Run("a", "10.0.0.2", Net);
        _b = _h2.Run("b", "10.0.0.3", Net);
        _h1.Learn(Net, _b, _h2);
        _h2.Learn(Net, _a, _h1);
    }

    public void Dispose()
    {
        _h1.Dispose();
        _h2.Dispose();
    }

    [Fact]
    public async Task A_probe_is_answered_by_the_peer_vtep_and_never_reaches_a_container()
    {
        var rtt = await _h1.Vtep.ProbeAsync(Net, _h2.Address, 1464, Answered);
        Assert.NotNull(rtt);
        Assert.Empty(_h2.Network(Net).Written);
        Assert.Empty(_h1.Network(Net).Written);
        // Request and answer crossed the fabric at the probed size (VXLAN header + frame), the answer to h1's VXLAN port.
        var crossed = _fabric.Captured.ToList();
        Assert.Contains(crossed, c => c.To == _h2.Address && c.Payload.Length == 8 + 1464);
        Assert.Contains(crossed, c => c.To == _h1.Address && c.Payload.Length == 8 + 1464);
        Assert.Equal(0, _h2.Vtep.Counters.Snapshot().Drops.Values.Sum());
    }

    [Fact]
    public async Task A_peer_behind_a_firewall_does_not_answer()
    {
        _fabric.Drops = (_, to, _) => to.SameAddress(_h2.Address);
        Assert.Null(await _h1.Vtep.ProbeAsync(Net, _h2.Address, 100, Lost));
    }

    [Fact]
    public async Task Small_probes_pass_and_large_ones_are_lost_on_a_path_with_a_smaller_mtu()
    {
        _fabric.Drops = (_, _, length) => length > 8 + 1000;
        Assert.NotNull(await _h1.Vtep.ProbeAsync(Net, _h2.Address, 1000, Answered));
        Assert.Null(await _h1.Vtep.ProbeAsync(Net, _h2.Address, 1001, Lost));
    }

    [Fact]
    public async Task A_host_that_does_not_know_the_sender_as_a_peer_stays_silent()
    {
        using var stranger = new SimulatedHost(_fabric, "198.51.100.9");
        stranger.Network(Net);
        Assert.Null(await stranger.Vtep.ProbeAsync(Net, _h2.Address, 100, Lost));
        Assert.Equal(1, _h2.Vtep.Counters[DropReason.UnknownPeer]);
    }

    [Fact]
    public void A_container_cannot_send_a_probe_into_the_overlay()
    {
        var frame = new byte[100];
        ProbeFrame.Write(frame, ProbeKind.Reply, 1, frame.Length);
        _a.Mac.Write(frame.AsSpan(6)); // from the container, to ...
        _b.Mac.Write(frame);           // ... a known remote container
        var before = _fabric.Captured.Count;
        _h1.Network(Net).Inject(frame);
        Assert.True(SpinWait.SpinUntil(() => _h1.Vtep.Counters[DropReason.InvalidLocalFrame] == 1, TimeSpan.FromSeconds(2)));
        Assert.Equal(before, _fabric.Captured.Count);
    }

    [Fact]
    public async Task On_an_encrypted_network_probes_are_sealed_and_still_answered()
    {
        using var kit = new SealKit();
        var key = SealKit.NewKey();
        const uint secure = 5000;
        var fabric = new VirtualFabric();
        using var h1 = new SimulatedHost(fabric, "198.51.100.1");
        using var h2 = new SimulatedHost(fabric, "198.51.100.2");
        h1.Vtep.SetEncryption(secure, kit.Ring(SealSender.IdFromUnderlay(h1.Address.ToIPEndPoint().Address), key));
        h2.Vtep.SetEncryption(secure, kit.Ring(SealSender.IdFromUnderlay(h2.Address.ToIPEndPoint().Address), key));
        var a = h1.Run("a", "10.1.0.2", secure);
        var b = h2.Run("b", "10.1.0.3", secure);
        h1.Learn(secure, b, h2);
        h2.Learn(secure, a, h1);

        Assert.NotNull(await h1.Vtep.ProbeAsync(secure, h2.Address, 1418 + 14, Answered));
        Assert.All(fabric.Captured, c => Assert.True(SealFormat.IsSealed(c.Payload)));
        Assert.All(fabric.Captured, c => Assert.Equal(8 + 1432 + Vtep.SealOverhead, c.Payload.Length));
    }
}
