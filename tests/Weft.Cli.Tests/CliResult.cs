namespace Weft.Cli.Tests;

/// <summary>What one <c>weft</c> invocation printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WeftCli.RunAsync(args, stdout, stderr, name => environment.GetValueOrDefault(name));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts the Docker-style failure: exit code 1 and exactly one line "Error: ..." on stderr containing <paramref name="text"/>.</summary>
    public void AssertOneLineError(string text)
    {
        Assert.Equal(1, ExitCode);
        var line = Assert.Single(Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: ", line);
        Assert.Contains(text, line);
    }
}
