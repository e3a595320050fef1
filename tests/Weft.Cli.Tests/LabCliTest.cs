using Weft.Lab;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// A test of <c>weft lab …</c> on real namespaces and real weftd processes (root) with a lab of its own: a fresh prefix
/// ("wt" + 4 random hex) that <see cref="Weft"/> passes as <c>WEFT_LAB_PREFIX</c>; Dispose stops the lab's agents by their
/// recorded PIDs and deletes its namespaces, also when the test failed half-way. Subclasses join the collection
/// <see cref="Collection"/>: two labs with agents at once would compete for the machine's two cores.
/// </summary>
public abstract class LabCliTest : IDisposable
{
    public const string Collection = "lab";

    protected string Prefix { get; } = "wt" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    protected Task<CliResult> Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = Prefix }, args);

    /// <summary>Runs weft and returns its output; fails the test with its error when it fails.</summary>
    protected async Task<string> MustAsync(params string[] args)
    {
        var result = await Weft(args);
        Assert.True(result.ExitCode == 0, $"weft {string.Join(' ', args)} failed ({result.ExitCode}): {result.Err}{result.Out}");
        return result.Out;
    }

    /// <summary>Names from <c>ip netns list</c>, the independent observer.</summary>
    protected static IReadOnlyList<string> Namespaces() =>
        [.. Tool.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    protected IReadOnlyList<string> LabNamespaces() => [.. Namespaces().Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal))];

    public void Dispose()
    {
        if (Environment.UserName == "root")
        {
            Weft("lab", "down").GetAwaiter().GetResult();
            LabTopology.Down(Prefix);
        }
        GC.SuppressFinalize(this);
    }
}
