using System.Diagnostics;
using Weft.Lab;
using Weft.Linux.Namespaces;
using Weft.Linux.Processes;

namespace Weft.Cli.Lab;

/// <summary>
/// One real dockerd per lab host (Debian's docker.io 20.10, see LAB.md), everything of it in the host's run directory
/// (<see cref="LabDockerPaths"/>), stopped by the PID it recorded, never by name.
///
/// Design note: dockerd runs in the host's network namespace, entered with <c>nsenter --net</c> (<c>ip netns exec</c>
/// would remount /sys), and in a mount namespace of its own (<c>unshare -m --propagation private</c>) in which
/// <see cref="MountScript"/> puts an empty tmpfs over <c>/run</c> and binds back only the host's run directory: what
/// dockerd and its containerd write to fixed paths there (<c>/run/docker</c>, <c>/run/containerd</c>, the shims'
/// sockets) lives and dies with that namespace instead of appearing on the shared filesystem, and nothing has to be
/// created on the shared filesystem to mount over. The host's plugin directory is bound over <c>/run/docker/plugins</c>
/// (plugin discovery paths are fixed), the host's <c>etc-docker</c> over <c>/etc/docker</c> (key.json, daemon.json,
/// plugin specs) and the host's <c>resolv.conf</c> (nameserver <see cref="LabDockerPaths.HostDns"/>, where weftd answers
/// container names) over <c>/etc/resolv.conf</c>. Mounts use <c>mount -n</c> so that no <c>/run/mount/utab</c> is written.
/// </summary>
internal static class LabDockerd
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Run by <c>/bin/sh</c> in the new mount namespace with the host's run directory and dockerd's command line as
    /// arguments. The run directory is opened before the tmpfs hides it and bound back from that descriptor
    /// (<c>--no-canonicalize</c>: resolving <c>/proc/self/fd/3</c> to its path would find the empty directory instead).
    /// <c>/etc/docker</c> comes with Debian's docker.io; without it the mount fails and dockerd is not started, rather
    /// than let it write <c>/etc/docker/key.json</c> on the shared filesystem.
    /// </summary>
    public const string MountScript = """
        set -e
        run=$1; shift
        exec </dev/null >>"$run/dockerd.log" 2>&1
        exec 3<"$run"
        mount -n -t tmpfs -o mode=0755 weft-lab-run /run
        mkdir -p "$run" /run/docker/plugins
        mount -n --no-canonicalize --bind /proc/self/fd/3 "$run"
        exec 3<&-
        mount -n --bind "$run/docker-plugins" /run/docker/plugins
        mount -n --bind "$run/etc-docker" /etc/docker
        mount -n --bind "$run/resolv.conf" /etc/resolv.conf
        exec "$@"
        """;

    /// <summary>The flags that work on this kind of machine (LAB.md): no iptables, forwarding, masquerading or bridge; vfs.</summary>
    public static readonly IReadOnlyList<string> MachineFlags =
        ["--iptables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none", "--storage-driver=vfs"];

    public static LabDockerdFinding Find(LabDockerPaths paths)
    {
        var pid = LabPidFile.Read(paths.PidFile);
        if (pid is { } live && IsDockerdOf(live, paths))
            return new LabDockerdFinding(paths.Host, LabAgentCheck.InHostNamespace(live, LabNames.HostNamespace(paths.Prefix, paths.Host))
                ? LabDockerdState.Running : LabDockerdState.InOldNamespace, live);
        return new LabDockerdFinding(paths.Host, Directory.Exists(paths.DataRoot) ? LabDockerdState.Dead : LabDockerdState.NotStarted, pid);
    }

    /// <summary>dockerd's command line for a host, after <c>nsenter</c>, <c>unshare</c> and the mount script.</summary>
    public static IReadOnlyList<string> CommandLine(LabDockerPaths paths) =>
    [
        Program(), .. MachineFlags,
        "--data-root", paths.DataRoot,
        "--exec-root", paths.ExecRoot,
        "--pidfile", paths.PidFile,
        "-H", paths.DockerHost,
        "--cgroup-parent", paths.CgroupParent,
        "--shutdown-timeout", "2",
    ];

    /// <summary>Starts the host's dockerd, detached, and returns its PID (nsenter, unshare and sh exec into it).</summary>
    public static int Start(LabDockerPaths paths)
    {
        foreach (var directory in (string[])[paths.RunDirectory, paths.PluginDirectory, paths.EtcDocker, paths.DataRoot, paths.ExecRoot])
            Directory.CreateDirectory(directory);
        File.WriteAllText(paths.ResolvConf, $"nameserver {LabDockerPaths.HostDns}\n");
        var start = new ProcessStartInfo("nsenter") { UseShellExecute = false };
        foreach (var argument in (string[])[$"--net={NetworkNamespace.PathOf(LabNames.HostNamespace(paths.Prefix, paths.Host))}",
                     "unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", MountScript, "sh", paths.RunDirectory, .. CommandLine(paths)])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new CliException($"lab: starting dockerd for h{paths.Host} failed");
        return process.Id;
    }

    public static async Task WaitUntilAnsweringAsync(LabDockerPaths paths, int pid, CancellationToken ct)
    {
        using var api = new LabDockerApi(paths.Socket);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await api.AnswersAsync(ct))
        {
            if (!ProcessTable.IsRunning(pid))
                throw new CliException($"lab: dockerd of h{paths.Host} exited at start; see {paths.LogFile}");
            if (DateTime.UtcNow > deadline)
                throw new CliException($"lab: dockerd of h{paths.Host} (pid {pid}) did not answer within {StartTimeout.TotalSeconds} s; see {paths.LogFile}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Stops the host's dockerd by its recorded PID: SIGTERM (it stops its containers and containerd), then SIGKILL;
    /// returns the PID it stopped, or null when none ran.
    /// </summary>
    public static int? Stop(LabDockerPaths paths)
    {
        if (Find(paths) is not { State: LabDockerdState.Running or LabDockerdState.InOldNamespace, Pid: { } pid })
            return null;
        ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGTERM);
        if (!ProcessTable.WaitUntilGone(pid, StopTimeout))
        {
            ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGKILL);
            if (!ProcessTable.WaitUntilGone(pid, KillTimeout))
                throw new CliException($"lab: dockerd of h{paths.Host} (pid {pid}) did not exit after SIGKILL within {KillTimeout.TotalSeconds} s");
        }
        return pid;
    }

    /// <summary>Only a running dockerd whose data root is this host's: a recycled PID is never taken for it, nor signalled.</summary>
    private static bool IsDockerdOf(int pid, LabDockerPaths paths)
    {
        if (!ProcessTable.IsRunning(pid)) return false;
        var arguments = ProcessTable.CommandLine(pid);
        var dataRoot = arguments.ToList().IndexOf("--data-root");
        return arguments.Count > 0 && Path.GetFileName(arguments[0]) == "dockerd" && dataRoot >= 0 && dataRoot + 1 < arguments.Count && arguments[dataRoot + 1] == paths.DataRoot;
    }

    /// <summary>dockerd's path: on PATH, else where Debian puts it.</summary>
    private static string Program() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, "dockerd")).FirstOrDefault(File.Exists)
        ?? throw new CliException("lab: --docker needs dockerd, which is not installed: run scripts/setup-system --docker (Debian's docker.io)");
}
