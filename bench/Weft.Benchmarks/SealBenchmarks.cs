using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Weft.DataPlane;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Sealing;
using Weft.Wire;

namespace Weft.Benchmarks;

/// <summary>
/// Sealing a 1400-byte inner frame on an encrypted network, against plain VXLAN encapsulation (the baseline), through the
/// VTEP's real path with seams that discard: Seal = outbound with AES-256-GCM; SealThenOpen = outbound then inbound through
/// the same VTEP (flow hash, admission, replay window included; a fresh counter per round, so never a replay);
/// the raw AEAD calls of both implementations show why NSec was chosen. Target: 0 bytes allocated per packet.
/// </summary>
[MemoryDiagnoser]
public class SealBenchmarks
{
    private const uint PlainVni = 4096;
    private const uint SecureVni = 4097;
    private const int FrameLength = 1400;
    private readonly PacketBuffer[] _one = { new(4096) };
    private readonly PacketBuffer[] _scratch = new PacketBuffer[1];
    private readonly OutboundScratch _outbound = new(1);
    private readonly DiscardDevice _device = new();
    private readonly byte[] _nonce = new byte[SealFormat.NonceSize];
    private readonly byte[] _aad = new byte[SealFormat.AuthenticatedSize];
    private readonly byte[] _aead = new byte[FrameLength + SealFormat.TagSize];
    private readonly byte[] _sealedAead = new byte[FrameLength + SealFormat.TagSize];
    private readonly byte[] _frameHead = new byte[64];
    private readonly byte[] _frameBody = new byte[FrameLength]; // the ChaCha rows' plaintext (their APIs do not seal in place)
    private string _stateDirectory = null!;
    private NonceCounter _nonces = null!;
    private KeyRing _ring = null!;
    private Vtep _vtep = null!;
    private SealKey _nsec = null!;
    private SealKey _bcl = null!;
    private NSec.Cryptography.Key _chachaNSec = null!;
    private ChaCha20Poly1305 _chachaBcl = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stateDirectory = Directory.CreateTempSubdirectory("weft-bench-seal-").FullName;
        _nonces = NonceCounter.Open(Path.Combine(_stateDirectory, "nonce"));
        var key = RandomNumberGenerator.GetBytes(SealFormat.KeySize);
        _ring = new KeyRing(new SealSender(0xC6336401, _nonces));
        _ring.Install(1, key);
        _ring.Activate(1);
        _nsec = SealKey.Create(key);
        _bcl = new BclSealKey(key);
        _chachaNSec = NSec.Cryptography.Key.Import(NSec.Cryptography.AeadAlgorithm.ChaCha20Poly1305, key, NSec.Cryptography.KeyBlobFormat.RawSymmetricKey);
        _chachaBcl = new ChaCha20Poly1305(key);

        var peer = PeerEndpoint.Parse("198.51.100.2", 4789);
        _vtep = new Vtep(new DiscardUnderlay(peer)); // its own peer, so SealThenOpen opens what was sealed for that address
        _vtep.AttachNetwork(PlainVni, _device);
        _vtep.AttachNetwork(SecureVni, _device, _ring);
        var a = IPv4Address.Parse("10.0.0.2");
        var b = IPv4Address.Parse("10.0.0.3");
        _vtep.Table.SetEndpoint(PlainVni, MacAddress.FromIPv4(b), b, peer);
        _vtep.Table.SetEndpoint(SecureVni, MacAddress.FromIPv4(b), b, peer);

        var frame = new byte[FrameLength];
        new EthernetHeader(MacAddress.FromIPv4(b), MacAddress.FromIPv4(a), EtherType.IPv4).Write(frame);
        new IPv4Header(a, b, IPv4Header.ProtocolTcp, (ushort)(frame.Length - EthernetHeader.Size)).Write(frame.AsSpan(EthernetHeader.Size));
        frame[EthernetHeader.Size + 20] = 0x9c; // TCP source port 40000
        frame[EthernetHeader.Size + 21] = 0x40;
        frame[EthernetHeader.Size + 23] = 0x51; // TCP destination port 81
        _one[0].Load(frame);
        frame.AsSpan(0, _frameHead.Length).CopyTo(_frameHead);
        _one[0].Peer = peer;

        frame.CopyTo(_sealedAead, 0);
        _nsec.Seal(_nonce, _aad, _sealedAead, FrameLength);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vtep.Dispose();
        _ring.Dispose();
        _nsec.Dispose();
        _bcl.Dispose();
        _chachaNSec.Dispose();
        _chachaBcl.Dispose();
        _nonces.Dispose();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    /// <summary>Baseline: plain VXLAN encapsulation of the same frame on an unencrypted VNI.</summary>
    [Benchmark(Baseline = true)]
    public int Encapsulate()
    {
        _vtep.ProcessFromDevice(PlainVni, _device, _one, _outbound);
        _one[0].TryTrimFront(VxlanHeader.Size);
        return _one[0].Length;
    }

    [Benchmark]
    public int Seal()
    {
        var buffer = _one[0];
        _vtep.ProcessFromDevice(SecureVni, _device, _one, _outbound);
        buffer.TryTrimFront(SealFormat.AssociatedDataSize); // back to a 1400-byte frame for the next round: the rest is
        buffer.SetLength(FrameLength);                      // ciphertext now, but the headers the VTEP reads are restored
        _frameHead.CopyTo(buffer.Data);
        return buffer.Length;
    }

    [Benchmark]
    public int SealThenOpen()
    {
        _vtep.ProcessFromDevice(SecureVni, _device, _one, _outbound);
        _vtep.ProcessFromUnderlay(_one, _scratch); // opens in place: the buffer is the 1400-byte frame again
        return _one[0].Length;
    }

    [Benchmark]
    public bool AeadSealNSec()
    {
        _nsec.Seal(_nonce, _aad, _aead, FrameLength);
        return _aead[0] == 0;
    }

    [Benchmark]
    public bool AeadSealBcl()
    {
        _bcl.Seal(_nonce, _aad, _aead, FrameLength);
        return _aead[0] == 0;
    }

    /// <summary>The other common AEAD, for the design note's choice: ChaCha20-Poly1305 through libsodium (NSec), same sizes.</summary>
    [Benchmark]
    public bool AeadSealChaChaNSec()
    {
        NSec.Cryptography.AeadAlgorithm.ChaCha20Poly1305.Encrypt(_chachaNSec, _nonce, _aad, _frameBody, _aead);
        return _aead[0] == 0;
    }

    /// <summary>ChaCha20-Poly1305 through the BCL (OpenSSL), same sizes.</summary>
    [Benchmark]
    public bool AeadSealChaChaBcl()
    {
        _chachaBcl.Encrypt(_nonce, _frameBody, _aead.AsSpan(0, FrameLength), _aead.AsSpan(FrameLength, SealFormat.TagSize), _aad);
        return _aead[0] == 0;
    }

    /// <summary>Open alone (the replay window needs fresh counters, so this is the AEAD call; it includes re-copying the 1416 bytes).</summary>
    [Benchmark]
    public bool AeadOpenNSec()
    {
        _sealedAead.CopyTo(_aead, 0);
        return _nsec.TryOpen(_nonce, _aad, _aead);
    }

    [Benchmark]
    public bool AeadOpenBcl()
    {
        _sealedAead.CopyTo(_aead, 0);
        return _bcl.TryOpen(_nonce, _aad, _aead);
    }
}
