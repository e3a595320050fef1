using System.Text;
using CsCheck;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Tests.Pki;

public sealed class Base32Tests
{
    [Theory]
    // RFC 4648 section 10 test vectors, lower case and without padding.
    [InlineData("", "")]
    [InlineData("f", "my")]
    [InlineData("fo", "mzxq")]
    [InlineData("foo", "mzxw6")]
    [InlineData("foob", "mzxw6yq")]
    [InlineData("fooba", "mzxw6ytb")]
    [InlineData("foobar", "mzxw6ytboi")]
    public void Encodes_the_RFC_4648_vectors(string input, string expected)
    {
        Assert.Equal(expected, Base32.Encode(Encoding.ASCII.GetBytes(input)));
        Assert.True(Base32.TryDecode(expected.ToUpperInvariant(), out var decoded));
        Assert.Equal(input, Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void Round_trips_any_bytes() =>
        Gen.Byte.Array[0, 64].Sample(bytes =>
            Base32.TryDecode(Base32.Encode(bytes), out var back) && back.AsSpan().SequenceEqual(bytes));

    [Theory]
    [InlineData("mzxw6yr")] // non-zero trailing bits
    [InlineData("mzx1")] // '1' is not in the alphabet
    [InlineData("mz-w")]
    public void Rejects_text_that_is_not_base32(string text) => Assert.False(Base32.TryDecode(text, out _));
}
