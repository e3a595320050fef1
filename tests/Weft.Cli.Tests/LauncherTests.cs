using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>./weft</c>, the launcher at the repository root, run for real: it builds only when the sources changed (an edited
/// file, or one added or deleted whatever its time), and quietly, so every run prints just what the command prints.
/// Observed through the build stamp's modification time and the launcher's output. Each rebuild is an incremental build
/// of the CLI (the probe file goes into src/Weft.Cli and is always deleted again).
/// </summary>
public sealed class LauncherTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [ToolFact("bash", "dotnet", "find", "sha256sum")]
    public void The_launcher_rebuilds_only_when_a_source_changed_appeared_or_went_and_prints_only_the_version()
    {
        var root = RepositoryRoot();
        var stamp = Path.Combine(root, ".weft-build", ".built");
        var first = Launch(root);
        Assert.Matches(@"^\S.*\n$", first); // whatever version line the CLI prints, alone

        var built = File.GetLastWriteTimeUtc(stamp);
        Assert.Equal(first, Launch(root));
        Assert.Equal(built, File.GetLastWriteTimeUtc(stamp)); // nothing changed: no build

        // An edited source (its content unchanged, its time new).
        File.SetLastWriteTimeUtc(Path.Combine(root, "src", "Weft.Cli", "Program.cs"), DateTime.UtcNow);
        Thread.Sleep(20);
        Assert.Equal(first, Launch(root));
        Assert.True(File.GetLastWriteTimeUtc(stamp) > built, "touching Program.cs rebuilt the CLI");
        built = File.GetLastWriteTimeUtc(stamp);

        // A source that appears with an old time, then goes: both change the build's inputs.
        var probeName = "LauncherProbe" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var probe = Path.Combine(root, "src", "Weft.Cli", probeName + ".cs");
        try
        {
            File.WriteAllText(probe, $"namespace Weft.Cli;\n\n/// <summary>Made and deleted by LauncherTests.</summary>\ninternal static class {probeName};\n");
            File.SetLastWriteTimeUtc(probe, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Equal(first, Launch(root));
            Assert.True(File.GetLastWriteTimeUtc(stamp) > built, "a new source file with an old time rebuilt the CLI");
            built = File.GetLastWriteTimeUtc(stamp);
        }
        finally
        {
            File.Delete(probe);
        }
        Thread.Sleep(20);
        Assert.Equal(first, Launch(root));
        Assert.True(File.GetLastWriteTimeUtc(stamp) > built, "deleting a source file rebuilt the CLI");
    }

    /// <summary>Runs <c>./weft --version</c> (the CLI's own version, no agent needed); asserts it succeeded with nothing on stderr and returns its stdout.</summary>
    private static string Launch(string root)
    {
        var result = Tool.Run(Path.Combine(root, "weft"), ["--version"], BuildTimeout);
        Assert.True(result.ExitCode == 0, $"./weft --version exited {result.ExitCode}: {result.StdErr}{result.StdOut}");
        Assert.Equal("", result.StdErr);
        return result.StdOut;
    }

    /// <summary>The checkout these tests were built from: the nearest directory above them with the launcher and Weft.slnx.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "weft")) && File.Exists(Path.Combine(dir.FullName, "Weft.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no repository root (with ./weft and Weft.slnx) above {AppContext.BaseDirectory}");
    }
}
