using Microsoft.Extensions.Time.Testing;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Tests.Fakes;

namespace Weft.DataPlane.Tests.Sealing;

public sealed class KeyRingTests : IDisposable
{
    private readonly SealKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public void Install_accepts_activate_sends_retire_erases_and_status_tells_it_all()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var ring = _kit.Ring(7, time: clock);
        Assert.Null(ring.SendEpoch);
        var k1 = SealKit.NewKey();
        var k2 = SealKit.NewKey();

        ring.Install(1, k1);
        Assert.Null(ring.SendEpoch);
        ring.Activate(1);
        clock.Advance(TimeSpan.FromHours(12));
        ring.Install(2, k2);
        Assert.Equal(1u, ring.SendEpoch);
        Assert.Equal(new uint[] { 1, 2 }, ring.Epochs);

        ring.Activate(2);
        var status = ring.Status();
        Assert.Equal("AES-256-GCM", status.Algorithm);
        Assert.Equal(SealKey.Implementation, status.Implementation);
        Assert.Equal(7u, status.SenderId);
        Assert.Equal(2u, status.SendEpoch);
        Assert.Equal(clock.GetUtcNow(), status.SendingSince);
        Assert.Equal(new[] { false, true }, status.Epochs.Select(e => e.Sending));
        Assert.Equal(16, status.Epochs[0].Fingerprint.Length);
        Assert.NotEqual(status.Epochs[0].Fingerprint, status.Epochs[1].Fingerprint);

        Assert.Equal(1, ring.RetireAllButSending());
        Assert.Equal(new uint[] { 2 }, ring.Epochs);
        Assert.False(ring.Retire(1));
    }

    [Fact]
    public void The_same_key_gives_the_same_fingerprint_on_two_hosts()
    {
        var key = SealKit.NewKey();
        var a = _kit.Ring(1, key);
        var b = _kit.Ring(2, key);
        Assert.Equal(a.Status().Epochs[0].Fingerprint, b.Status().Epochs[0].Fingerprint);
    }

    [Fact]
    public void An_epoch_never_changes_its_key_and_bad_input_is_refused_with_the_operation_named()
    {
        var ring = _kit.Ring(1);
        var key = SealKit.NewKey();
        ring.Install(3, key);
        ring.Install(3, key); // idempotent
        var changed = Assert.Throws<InvalidOperationException>(() => ring.Install(3, SealKit.NewKey()));
        Assert.Contains("epoch 3", changed.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Install(SealFormat.MaxEpoch + 1, key));
        Assert.Throws<ArgumentException>(() => ring.Install(4, new byte[31]));
        var notInstalled = Assert.Throws<InvalidOperationException>(() => ring.Activate(9));
        Assert.Contains("epoch 9", notInstalled.Message);
    }

    [Fact]
    public void Retiring_the_sending_epoch_leaves_no_send_key()
    {
        var ring = _kit.Ring(1, SealKit.NewKey());
        Assert.True(ring.Retire(1));
        Assert.Null(ring.SendEpoch);
        Assert.Null(ring.Status().SendingSince);
    }

    [Fact]
    public void A_sender_id_comes_from_a_unicast_ipv4_underlay_address_and_is_never_zero()
    {
        Assert.Equal(0xC6336401u, SealSender.IdFromUnderlay(System.Net.IPAddress.Parse("198.51.100.1")));
        Assert.Throws<ArgumentException>(() => SealSender.IdFromUnderlay(System.Net.IPAddress.Any));
        Assert.Throws<ArgumentException>(() => SealSender.IdFromUnderlay(System.Net.IPAddress.IPv6Loopback));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SealSender(0, null!));
    }
}
