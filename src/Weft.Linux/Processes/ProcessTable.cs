using System.Globalization;

namespace Weft.Linux.Processes;

/// <summary>
/// What <c>/proc</c> says about processes: which exist, which are still running (a zombie, exited but not yet reaped by
/// its parent, counts as gone), their command line and their cgroups. A process may exit between two reads: every answer
/// about a process that is gone is "not running", an empty command line or no cgroups, never an exception.
/// </summary>
public static class ProcessTable
{
    /// <summary>The PIDs in <c>/proc</c> now.</summary>
    public static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    /// <summary>True when <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null) return false;
        // "pid (comm) S …": comm may hold spaces and parentheses, the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
    }

    /// <summary>Waits until <paramref name="pid"/> is no longer running; false when it still runs after <paramref name="timeout"/>.</summary>
    public static bool WaitUntilGone(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>The arguments of <paramref name="pid"/> (<c>/proc/PID/cmdline</c>); empty when it is gone or a kernel thread.</summary>
    public static IReadOnlyList<string> CommandLine(int pid) =>
        Read($"/proc/{pid}/cmdline")?.Split('\0', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>The cgroup paths of <paramref name="pid"/>, one per hierarchy (<c>/proc/PID/cgroup</c>, "ID:CONTROLLERS:PATH").</summary>
    public static IReadOnlyList<string> Cgroups(int pid) =>
        Read($"/proc/{pid}/cgroup")?.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(':', l.IndexOf(':') + 1) + 1)..]).ToList() ?? [];

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // FileNotFound / DirectoryNotFound are IOExceptions: the process is gone
        }
    }
}
