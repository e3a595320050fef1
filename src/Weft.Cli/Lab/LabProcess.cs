using System.Diagnostics;

namespace Weft.Cli.Lab;

/// <summary>Runs a lab runtime's command line tool (podman, ctr) to its end: stdin from bytes, stdout and stderr captured, a time limit.</summary>
internal static class LabProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, byte[]? input, TimeSpan limit, string what, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new CliException($"lab: could not start {file}");
        if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, ct);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new CliException($"lab: {what} did not finish within {limit.TotalSeconds} s");
        }
        return (process.ExitCode, await output, await error);
    }
}
