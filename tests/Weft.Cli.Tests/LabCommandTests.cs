using Weft.Lab;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary><c>weft lab up|status|down</c> on real namespaces (root), observed independently with <c>ip netns list</c>.</summary>
public sealed class LabCommandTests : IDisposable
{
    private readonly string _prefix = "wt" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    private Task<CliResult> Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = _prefix }, args);

    private static IReadOnlyList<string> Namespaces() =>
        [.. Tool.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    [RootFact("ip")]
    public async Task UpStatusDown()
    {
        var up = await Weft("lab", "up", "--hosts", "2");
        Assert.Equal((0, ""), (up.ExitCode, up.Err));
        Assert.Contains($"lab '{_prefix}' is up with 2 hosts", up.Out);
        Assert.Subset(Namespaces().ToHashSet(), new HashSet<string> { $"{_prefix}-net", $"{_prefix}-h1", $"{_prefix}-h2" });

        var again = await Weft("lab", "up", "--hosts", "2");
        Assert.Equal($"lab '{_prefix}' is already up with 2 hosts\n", again.Out);

        var status = await Weft("lab", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("198.51.100.2", status.Out);
        Assert.Contains($"/run/weft/{_prefix}-h2/weftd.sock", status.Out);
        Assert.Contains($"lab '{_prefix}' is healthy", status.Out);

        var down = await Weft("lab", "down");
        Assert.Equal(0, down.ExitCode);
        Assert.Contains("removed 3 namespaces", down.Out);
        Assert.DoesNotContain(Namespaces(), n => n.StartsWith(_prefix + "-", StringComparison.Ordinal));
        Assert.Equal($"lab '{_prefix}' is not up: start it with 'weft lab up'\n", (await Weft("lab", "status")).Out);
    }

    [Fact]
    public async Task BadPrefixIsOneLine() =>
        (await CliResult.RunAsync(new Dictionary<string, string>(), "--lab-prefix", "bad-prefix!", "lab", "status")).AssertOneLineError("lab prefix 'bad-prefix!'");

    public void Dispose()
    {
        if (Environment.UserName == "root")
        {
            LabTopology.Down(_prefix);
        }
    }
}
