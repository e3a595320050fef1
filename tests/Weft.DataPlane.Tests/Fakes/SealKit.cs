using System.Security.Cryptography;
using Weft.DataPlane.Sealing;

namespace Weft.DataPlane.Tests.Fakes;

/// <summary>
/// Sealing material for tests: a temporary state directory for nonce counters (deleted on dispose), senders and key rings
/// made from it, and random keys.
/// </summary>
public sealed class SealKit : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("weft-seal-").FullName;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(SealFormat.KeySize);

    public string StatePath(string name) => Path.Combine(Directory, name + ".nonce");

    public SealSender Sender(uint senderId, string? name = null)
    {
        var counter = NonceCounter.Open(StatePath(name ?? senderId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _owned.Add(counter);
        return new SealSender(senderId, counter);
    }

    /// <summary>A ring for <paramref name="senderId"/> with <paramref name="key"/> installed (and activated) as <paramref name="epoch"/>.</summary>
    public KeyRing Ring(uint senderId, byte[]? key = null, uint epoch = 1, bool activate = true, TimeProvider? time = null)
    {
        var ring = new KeyRing(Sender(senderId), time);
        _owned.Add(ring);
        if (key is null) return ring;
        ring.Install(epoch, key);
        if (activate) ring.Activate(epoch);
        return ring;
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
