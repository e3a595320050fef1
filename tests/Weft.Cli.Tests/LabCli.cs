namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft</c> run in-process for one test lab: a fresh prefix (<paramref name="tag"/> + 4 random hex) passed as
/// <c>WEFT_LAB_PREFIX</c>, so parallel runs and leftovers never collide.
/// </summary>
public sealed class LabCli(string tag)
{
    public string Prefix { get; } = tag + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    public Task<CliResult> RunAsync(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = Prefix }, args);

    /// <summary>Runs weft and returns its output; fails the test with its error when it fails.</summary>
    public async Task<string> MustAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"weft {string.Join(' ', args)} failed ({result.ExitCode}): {result.Err}{result.Out}");
        return result.Out;
    }
}
