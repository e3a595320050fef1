using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary><c>weft network rotate-key</c> against a real agent: rotates an encrypted network, refuses a plain or unknown one.</summary>
public sealed class RotateKeyCliTests : CliAgentTestBase
{
    [Fact]
    public async Task Rotates_an_encrypted_network_and_inspect_shows_the_key_fields()
    {
        Assert.Equal(0, (await Weft("network", "create", "--opt", "encrypted", "secure-net")).ExitCode);
        var fields = await Weft("network", "inspect", "secure-net", "--format", "{{.Encrypted}} {{.EncryptionAlgorithm}} {{.KeyEpoch}}");
        Assert.Equal((0, "true AES-256-GCM 1\n"), (fields.ExitCode, fields.Out));

        var rotate = await Weft("network", "rotate-key", "secure-net");
        Assert.Equal((0, "secure-net\n", ""), (rotate.ExitCode, rotate.Out, rotate.Err));
    }

    [Fact]
    public async Task A_plain_or_unknown_network_is_an_error_with_a_clear_message()
    {
        Assert.Equal(0, (await Weft("network", "create", "--opt", "encrypted=false", "plain-net")).ExitCode);
        var plain = await Weft("network", "rotate-key", "plain-net");
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("network plain-net is not encrypted: nothing to rotate", plain.Err);
        Assert.Equal("", plain.Out);

        var missing = await Weft("network", "rotate-key", "nope");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("network nope not found", missing.Err);
    }
}
