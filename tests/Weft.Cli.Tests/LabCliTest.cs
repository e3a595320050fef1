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

    private readonly LabCli _cli = new("wt");

    protected string Prefix => _cli.Prefix;

    protected Task<CliResult> Weft(params string[] args) => _cli.RunAsync(args);

    /// <summary>Runs weft and returns its output; fails the test with its error when it fails.</summary>
    protected Task<string> MustAsync(params string[] args) => _cli.MustAsync(args);

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
