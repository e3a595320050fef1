using Weft.Api;
using Weft.Lab;
using Weft.Linux;
using Weft.Linux.Namespaces;

namespace Weft.Cli.Lab;

/// <summary>What became of one lab host's weftd, as <c>lab up</c> (to repair it) and <c>lab status</c> (to show it) see it.</summary>
internal enum LabAgentState
{
    /// <summary>The pid file names a live weftd inside the host's namespace.</summary>
    Running,

    /// <summary>No pid file: never started here (or the run directory was removed).</summary>
    NotStarted,

    /// <summary>The pid file names a process that is gone (or is no longer a weftd): the agent died.</summary>
    Dead,

    /// <summary>
    /// A live weftd that is not in the host's current namespace: the namespace was deleted and made anew while weftd kept
    /// running in the old one, which is cut off from the lab's underlay although the agent still answers on its socket.
    /// </summary>
    InOldNamespace,

    /// <summary>Something answers on the host's socket but the pid file names no running weftd: the lab cannot stop or restart it.</summary>
    Unaccounted,
}

/// <summary>One host's finding: the state and the PID the pid file names (null when it names none).</summary>
internal sealed record LabAgentFinding(int Host, LabAgentState State, int? Pid)
{
    /// <summary>The WEFTD column of <c>lab status</c>.</summary>
    public string Describe() => State switch
    {
        LabAgentState.Running => $"pid {Pid}",
        LabAgentState.NotStarted => "not running",
        LabAgentState.Dead => $"dead (pid {Pid} gone)",
        LabAgentState.InOldNamespace => $"pid {Pid} in a deleted namespace",
        _ => "unknown agent on the socket",
    };
}

/// <summary>
/// Tells a healthy lab agent from a broken one. Answering on its socket is not enough: the socket is a file, so a weftd
/// whose host namespace was deleted (and made anew by <c>lab up</c>) still answers while it sits in the old, orphaned
/// namespace. A weftd is healthy when its pid file names a live weftd whose <c>/proc/PID/ns/net</c> is the same namespace
/// (device and inode) as <c>/run/netns/P-hN</c>.
/// </summary>
internal static class LabAgentCheck
{
    public static async Task<LabAgentFinding> FindAsync(string prefix, int host, CancellationToken ct)
    {
        var pid = RecordedPid(prefix, host);
        if (pid is { } live && IsWeftd(live))
        {
            return new LabAgentFinding(host, InHostNamespace(live, LabNames.HostNamespace(prefix, host)) ? LabAgentState.Running : LabAgentState.InOldNamespace, live);
        }
        if (await AnswersAsync(prefix, host, ct))
        {
            return new LabAgentFinding(host, LabAgentState.Unaccounted, pid);
        }
        return new LabAgentFinding(host, pid is null ? LabAgentState.NotStarted : LabAgentState.Dead, pid);
    }

    public static string PidFile(string prefix, int host) => Path.Combine(LabAgents.RunDirectory(prefix, host), "weftd.pid");

    /// <summary>The PID the host's pid file names, live or not; null without a readable pid file.</summary>
    public static int? RecordedPid(string prefix, int host) => LabPidFile.Read(PidFile(prefix, host));

    /// <summary>Only a process whose command line is weftd's: a recycled PID is never taken for an agent, nor signalled.</summary>
    public static bool IsWeftd(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("weftd", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<bool> AnswersAsync(string prefix, int host, CancellationToken ct)
    {
        using var client = new WeftApiClient(AgentAddress.LabSocketPath(prefix, $"h{host}"));
        try
        {
            await client.GetVersionAsync(ct);
            return true;
        }
        catch (WeftAgentUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Whether process <paramref name="pid"/> is in the network namespace named <paramref name="hostNamespace"/> now (device and inode).</summary>
    public static bool InHostNamespace(int pid, string hostNamespace)
    {
        try
        {
            return NamespaceIdentity.OfProcess(pid) == NamespaceIdentity.OfNamed(hostNamespace);
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            return false; // the process or the namespace name went away meanwhile
        }
    }
}
