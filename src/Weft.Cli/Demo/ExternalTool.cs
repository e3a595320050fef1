using System.Diagnostics;

namespace Weft.Cli.Demo;

/// <summary>The system programs the demo uses (ip, tcpdump, tshark): found on PATH, run bounded in time.</summary>
internal static class ExternalTool
{
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The full path of <paramref name="name"/> on PATH or in the system directories, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SystemDirectories)
        .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Find(program) ?? program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Runs a program to its end, or kills it after <paramref name="timeout"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken ct)
    {
        using var process = Process.Start(StartInfo(program, arguments)) ?? throw new CliException($"demo: could not start {program}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            throw new CliException($"demo: {program} did not finish within {timeout.TotalSeconds} s");
        }
        return (process.ExitCode, await output, await error);
    }
}
