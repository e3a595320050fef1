using Weft.Linux.Files;
using Weft.Linux.Processes;

namespace Weft.Cli.Lab;

/// <summary>
/// What a lab host's dockerd can leave behind when it did not stop cleanly (killed with -9, or its shims outliving it):
/// its containerd and containerd shims (their command lines name its containerd's files in the host's exec root), the containers' processes (in
/// the host's cgroup, <see cref="LabDockerPaths.CgroupParent"/>), those cgroups, and mount points under the host's run
/// directory. <see cref="Remove"/> kills such processes by PID (found by those exact paths, never by a process name),
/// removes the cgroups and detaches the mounts; it returns what it did.
/// </summary>
internal static class LabDockerLeftovers
{
    private const string CgroupRoot = "/sys/fs/cgroup";
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<string> Remove(LabDockerPaths paths)
    {
        var done = new List<string>();
        var pids = Processes(paths).ToList();
        foreach (var pid in pids)
        {
            ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGKILL);
        }
        foreach (var pid in pids)
        {
            if (!ProcessTable.WaitUntilGone(pid, KillTimeout))
                throw new CliException($"lab: process {pid} of h{paths.Host}'s Docker did not exit after SIGKILL within {KillTimeout.TotalSeconds} s");
        }
        if (pids.Count > 0)
            done.Add($"killed {pids.Count} leftover process(es) of h{paths.Host}'s Docker (pid {string.Join(", ", pids)})");
        foreach (var cgroup in Cgroups(paths))
        {
            RemoveCgroupTree(cgroup);
        }
        foreach (var mount in MountPoints.Under(paths.RunDirectory))
        {
            MountPoints.Detach(mount);
            done.Add($"unmounted {mount}");
        }
        return done;
    }

    /// <summary>
    /// The running processes of the host's Docker: its containerd (started with <c>--config EXEC/containerd/containerd.toml</c>)
    /// and shims (<c>-address EXEC/containerd/containerd.sock</c>), named by those exact files, not by any mention of the
    /// exec root (a shell of the user's that merely looks at it is spared); the containers' processes by their cgroup.
    /// </summary>
    public static IEnumerable<int> Processes(LabDockerPaths paths)
    {
        string[] containerdFiles = [Path.Combine(paths.ExecRoot, "containerd", "containerd.toml"), Path.Combine(paths.ExecRoot, "containerd", "containerd.sock")];
        var self = Environment.ProcessId;
        return ProcessTable.Pids().Where(pid => pid != self && ProcessTable.IsRunning(pid) &&
            (ProcessTable.CommandLine(pid).Any(containerdFiles.Contains) ||
             ProcessTable.Cgroups(pid).Any(c => c == paths.CgroupParent || c.StartsWith(paths.CgroupParent + "/", StringComparison.Ordinal))));
    }

    /// <summary>The host's cgroup in every mounted hierarchy (cgroup v1 controllers, v2 unified or v2 alone).</summary>
    private static IEnumerable<string> Cgroups(LabDockerPaths paths)
    {
        if (!Directory.Exists(CgroupRoot)) return [];
        return Directory.EnumerateDirectories(CgroupRoot).Prepend(CgroupRoot)
            .Select(hierarchy => hierarchy + paths.CgroupParent)
            .Where(Directory.Exists)
            .ToList();
    }

    /// <summary>rmdir, children first (a cgroup directory holds only kernel files, which rmdir ignores); retried while the dying processes still leave it.</summary>
    private static void RemoveCgroupTree(string cgroup)
    {
        foreach (var child in Directory.EnumerateDirectories(cgroup))
        {
            RemoveCgroupTree(child);
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(cgroup, recursive: false);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100); // EBUSY until the last task has left it
            }
        }
    }
}
