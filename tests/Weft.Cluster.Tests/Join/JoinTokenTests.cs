using Weft.Cluster.Join;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Tests.Join;

public sealed class JoinTokenTests
{
    private static readonly string Digest = Base32.Encode(new byte[32].Select((_, i) => (byte)i).ToArray());

    [Fact]
    public void A_token_looks_like_Dockers_and_parses_back()
    {
        var token = JoinToken.Create(Digest);
        Assert.Matches("^SWMTKN-1-[a-z2-7]{52}-[a-z2-7]{32}$", token.Text);
        var parsed = JoinToken.Parse(token.Text);
        Assert.Equal(Digest, parsed.CaDigest);
        Assert.True(token.Matches(parsed));
        Assert.True(token.Matches(JoinToken.Parse("  " + token.Text.ToUpperInvariant().Replace("SWMTKN", "SWMTKN", StringComparison.Ordinal) + "\n")));
    }

    [Fact]
    public void Two_tokens_for_one_CA_have_different_secrets()
    {
        var a = JoinToken.Create(Digest);
        var b = JoinToken.Create(Digest);
        Assert.NotEqual(a.Text, b.Text);
        Assert.False(a.Matches(b));
    }

    [Fact]
    public void ToString_never_shows_the_secret()
    {
        var token = JoinToken.Create(Digest);
        var secret = token.Text.Split('-')[^1];
        Assert.DoesNotContain(secret, token.ToString());
        Assert.Contains("<redacted>", token.ToString());
        Assert.Contains(Digest, token.ToString());
    }

    [Fact]
    public void A_tampered_digest_or_a_wrong_secret_does_not_match()
    {
        var token = JoinToken.Create(Digest);
        var parts = token.Text.Split('-');
        var flipped = (parts[2][0] == 'a' ? 'b' : 'a') + parts[2][1..];
        var tamperedDigest = JoinToken.Parse($"SWMTKN-1-{flipped}-{parts[3]}");
        Assert.False(token.Matches(tamperedDigest));
        var wrongSecret = JoinToken.Parse($"SWMTKN-1-{parts[2]}-{JoinToken.Create(Digest).Text.Split('-')[^1]}");
        Assert.False(token.Matches(wrongSecret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SWMTKN-1-abc-def")]
    [InlineData("SWMTKN-2-aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm-aaaabbbbccccddddeeeeffffgggghhhh")]
    [InlineData("SWMTKN-1-aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm")]
    [InlineData("SWMTKN-1-aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm-aaaabbbbccccddddeeeeffffgggghhh1")]
    [InlineData("SWMTKN-1-aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm-aaaabbbbccccddddeeeeffffgggghhhh-x")]
    public void A_malformed_token_is_refused_with_a_clear_message(string text)
    {
        Assert.False(JoinToken.TryParse(text, out _));
        var e = Assert.Throws<ClusterException>(() => JoinToken.Parse(text));
        Assert.Equal("join token is malformed: expected SWMTKN-1-<ca digest>-<secret> as printed by 'weft cluster init'", e.Message);
    }
}
