using Weft.TestSupport;

namespace Weft.Bench.Tests;

/// <summary>
/// scripts/test's counting (scripts/lib/test-results.bash) against fabricated result folders: the summary line comes from
/// the TRX files, and a project whose <c>dotnet test</c> failed without a failed test in its TRX (a test host that crashed
/// after writing a partial TRX, or before writing any) is one failure named in "Failed tests:", never "0 failed".
/// </summary>
public sealed class TestResultsScriptTests : IDisposable
{
    private const string Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private readonly string _results = Directory.CreateTempSubdirectory("weft-trx-").FullName;

    public void Dispose() => Directory.Delete(_results, recursive: true);

    [ToolFact("bash", "python3")]
    public void A_project_that_exited_non_zero_with_a_partial_trx_showing_no_failure_counts_as_one_failure()
    {
        WriteTrx("Weft.A.Tests", Result("A.One", "Passed") + Result("A.Two", "Passed") + Result("A.Three", "NotExecuted"));
        // The test host crashed mid-run: its TRX is cut short (not even well-formed XML) and shows only passes.
        File.WriteAllText(Path.Combine(_results, "Weft.B.Tests.trx"), Header() + Result("B.One", "Passed") + Result("B.Two", "Passed") + Result("B.Three", "Passed"));

        var run = Summarize(exitedNonZero: ["Weft.B.Tests"]);

        Assert.Equal(1, run.ExitCode);
        var lines = Lines(run);
        Assert.Equal("5 passed, 1 failed, 1 skipped", lines[^1]);
        Assert.Equal("Failed tests:", lines[^3]);
        Assert.Equal("  Weft.B.Tests: exited non-zero but its results show no failed test (the test host crashed or hung after writing them)", lines[^2]);
    }

    [ToolFact("bash", "python3")]
    public void A_failed_test_is_counted_once_and_named_with_its_message_not_again_as_a_crash()
    {
        WriteTrx("Weft.A.Tests", Result("A.One", "Passed") + Result("A.Broken", "Failed", "Assert.Equal() Failure\nExpected: 1\nActual:   2"));

        var run = Summarize(exitedNonZero: ["Weft.A.Tests"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Failed tests:", "  A.Broken", "    Assert.Equal() Failure", "    Expected: 1", "    Actual:   2", "1 passed, 1 failed, 0 skipped"], Lines(run));
        Assert.False(File.Exists(Path.Combine(_results, "Weft.A.Tests.crashed")));
    }

    [ToolFact("bash", "python3")]
    public void A_project_without_any_trx_is_one_failure()
    {
        WriteTrx("Weft.A.Tests", Result("A.One", "Passed"));

        var run = Summarize(exitedNonZero: ["Weft.C.Tests"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Failed tests:", "  Weft.C.Tests: produced no results (crashed or hung)", "1 passed, 1 failed, 0 skipped"], Lines(run));
    }

    [ToolFact("bash", "python3")]
    public void A_clean_run_exits_zero_and_an_empty_one_does_not()
    {
        WriteTrx("Weft.A.Tests", Result("A.One", "Passed") + Result("A.Two", "NotExecuted"));
        var clean = Summarize(exitedNonZero: []);
        Assert.Equal((0, "1 passed, 0 failed, 1 skipped"), (clean.ExitCode, clean.StdOut.Trim()));

        File.Delete(Path.Combine(_results, "Weft.A.Tests.trx"));
        var empty = Summarize(exitedNonZero: []);
        Assert.Equal((1, "0 passed, 0 failed, 0 skipped"), (empty.ExitCode, empty.StdOut.Trim()));
        Assert.Contains("no test ran", empty.StdErr);
    }

    /// <summary>Sources the library the way scripts/test does, records the projects whose dotnet test failed, and summarizes.</summary>
    private ToolResult Summarize(string[] exitedNonZero) =>
        Tool.Run("bash", ["-c", "source \"$0\"; r=$1; shift; for n in \"$@\"; do test_results_record \"$r\" \"$n\"; done; test_results_summary \"$r\"",
            Library, _results, .. exitedNonZero], TimeSpan.FromSeconds(30));

    private static string[] Lines(ToolResult run) => run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private void WriteTrx(string project, string results) =>
        File.WriteAllText(Path.Combine(_results, project + ".trx"), Header() + results + "  </Results>\n</TestRun>\n");

    private static string Header() =>
        $"\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TestRun id=\"1\" name=\"fabricated\" xmlns=\"{Ns}\">\n  <Results>\n";

    private static string Result(string test, string outcome, string? message = null) =>
        $"    <UnitTestResult executionId=\"{Guid.NewGuid()}\" testName=\"{test}\" computerName=\"vm\" outcome=\"{outcome}\""
        + (message is null ? " />\n" : $">\n      <Output>\n        <ErrorInfo>\n          <Message>{System.Security.SecurityElement.Escape(message)}</Message>\n        </ErrorInfo>\n      </Output>\n    </UnitTestResult>\n");

    private static string Library
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "lib", "test-results.bash");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("scripts/lib/test-results.bash above " + AppContext.BaseDirectory);
        }
    }
}
