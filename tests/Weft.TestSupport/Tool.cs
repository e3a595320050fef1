using System.Diagnostics;
using System.Text;

namespace Weft.TestSupport;

/// <summary>Result of running an external program.</summary>
public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public ToolResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"{what} exited {ExitCode}: {StdErr.Trim()} {StdOut.Trim()}");
        return this;
    }
}

/// <summary>Runs external programs (ip, bridge, tshark, ping) as independent observers.</summary>
public static class Tool
{
    public static string? Find(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':').Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static ToolResult Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Find(file) ?? file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
            return new ToolResult(-1, stdout.ToString(), stderr + $"\n(timed out after {timeout ?? TimeSpan.FromSeconds(60)})");
        }
        p.WaitForExit();
        return new ToolResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static ToolResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);
}
