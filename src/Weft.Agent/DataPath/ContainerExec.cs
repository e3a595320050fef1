using System.Diagnostics;
using System.Text;
using Weft.Api.Dto;

namespace Weft.Agent.DataPath;

/// <summary>
/// Runs a command inside a container's network namespace with <c>ip netns exec</c>, which also bind-mounts the
/// container's /etc/netns/&lt;ns&gt;/resolv.conf (pointing at its embedded DNS), so names resolve as inside Docker.
/// Output (stdout and stderr, interleaved as they come) and the exit code are returned; cancelling the request
/// (the CLI was interrupted) kills the command.
/// </summary>
public static class ContainerExec
{
    public static async Task<ExecResult> RunAsync(string containerNamespace, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "netns", "exec", containerNamespace }.Concat(command)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"exec: could not start ip netns exec {containerNamespace}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the output readers
        lock (output) return new ExecResult { ExitCode = process.ExitCode, Output = output.ToString() };
    }
}
