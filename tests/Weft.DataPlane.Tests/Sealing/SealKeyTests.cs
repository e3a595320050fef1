using Weft.DataPlane.Sealing;
using Weft.DataPlane.Tests.Fakes;

namespace Weft.DataPlane.Tests.Sealing;

public sealed class SealKeyTests
{
    // The GCM specification's test case 16 (AES-256, 96-bit IV, 20 bytes of associated data).
    private static readonly byte[] Key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    private static readonly byte[] Nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
    private static readonly byte[] Aad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    private static readonly byte[] Plaintext = Convert.FromHexString(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    private static readonly byte[] Expected = Convert.FromHexString(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        + "76fc6ece0f4e1768cddf8853bb2d551b");

    public static TheoryData<string> Implementations => new() { "nsec", "bcl" };

    private static SealKey Make(string implementation, byte[] key) =>
        implementation == "nsec" ? new NSecSealKey(key) : new BclSealKey(key);

    [Fact]
    public void This_machine_uses_libsodium_through_nsec()
    {
        Assert.True(NSecSealKey.IsSupported, "AES-NI present, NSec's AES-256-GCM should be available");
        Assert.Equal(NSecSealKey.Name, SealKey.Implementation);
        using var key = SealKey.Create(Key);
        Assert.IsType<NSecSealKey>(key);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Seals_in_place_to_the_gcm_test_vector_and_opens_it_back(string implementation)
    {
        using var key = Make(implementation, Key);
        var data = new byte[Plaintext.Length + SealFormat.TagSize];
        Plaintext.CopyTo(data, 0);

        key.Seal(Nonce, Aad, data, Plaintext.Length);
        Assert.Equal(Convert.ToHexString(Expected), Convert.ToHexString(data));

        Assert.True(key.TryOpen(Nonce, Aad, data));
        Assert.Equal(Plaintext, data[..Plaintext.Length]);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_flipped_bit_in_ciphertext_tag_aad_or_nonce_fails_without_throwing(string implementation)
    {
        using var key = Make(implementation, Key);
        for (var i = 0; i < Expected.Length; i++)
        {
            var data = (byte[])Expected.Clone();
            data[i] ^= 0x01;
            Assert.False(key.TryOpen(Nonce, Aad, data), $"byte {i}");
        }
        var aad = (byte[])Aad.Clone();
        aad[3] ^= 0x80;
        Assert.False(key.TryOpen(Nonce, aad, (byte[])Expected.Clone()));
        var nonce = (byte[])Nonce.Clone();
        nonce[11] ^= 0x01;
        Assert.False(key.TryOpen(nonce, Aad, (byte[])Expected.Clone()));
        Assert.False(key.TryOpen(Nonce, Aad, new byte[5]));
    }

    [Fact]
    public void Both_implementations_interoperate_on_random_keys_and_lengths()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[12], Gen.Byte.Array[0, 1500]).Sample((k, nonce, plaintext) =>
        {
            using var nsec = new NSecSealKey(k);
            using var bcl = new BclSealKey(k);
            var data = new byte[plaintext.Length + SealFormat.TagSize];
            plaintext.CopyTo(data, 0);
            nsec.Seal(nonce, Aad, data, plaintext.Length);
            Assert.True(bcl.TryOpen(nonce, Aad, data));
            Assert.Equal(plaintext, data[..plaintext.Length]);
        }, iter: 200);
    }

    [Theory]
    [InlineData("nsec")]
    [InlineData("bcl")]
    public void One_key_seals_and_opens_from_several_threads_at_once_exactly_as_from_one(string implementation)
    {
        // The VTEP's readers (seal per network, open on the underlay) and probes share one key. Every datagram here has its
        // own nonce; each thread's results must equal NSec's on one thread (GCM is deterministic), and every open must succeed.
        var k = SealKit.NewKey();
        using var key = Make(implementation, k);
        using var reference = new NSecSealKey(k);
        const int Threads = 4, Rounds = 3000, Length = 1400;
        var failures = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var plaintext = new byte[Length];
            var sealedHere = new byte[Length + SealFormat.TagSize];
            var expected = new byte[Length + SealFormat.TagSize];
            var nonce = new byte[12];
            for (var i = 0; i < Rounds; i++)
            {
                BitConverter.TryWriteBytes(nonce.AsSpan(0, 4), t);
                BitConverter.TryWriteBytes(nonce.AsSpan(4, 8), (long)i);
                plaintext.AsSpan().Fill((byte)(t * 31 + i));
                plaintext.CopyTo(sealedHere, 0);
                key.Seal(nonce, Aad, sealedHere, Length);
                plaintext.CopyTo(expected, 0);
                reference.Seal(nonce, Aad, expected, Length);
                if (!sealedHere.AsSpan().SequenceEqual(expected) || !key.TryOpen(nonce, Aad, sealedHere) || !sealedHere.AsSpan(0, Length).SequenceEqual(plaintext))
                    Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_key_must_have_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => SealKey.Create(new byte[16]));
        using var ok = SealKey.Create(SealKit.NewKey());
    }
}
