using Weft.Lab;

namespace Weft.Cli.Lab;

/// <summary>
/// <c>lab up --docker</c> and the Docker part of <c>lab down</c>: one dockerd per lab host (<see cref="LabDockerd"/>),
/// each with the lab's <c>busybox:latest</c> image (<see cref="LabBusyboxImage"/>). Up is a reconciler like the rest of
/// the lab: a running dockerd is left alone, one that died (or runs in a host namespace that was deleted and made anew)
/// is stopped and cleaned up after (<see cref="LabDockerLeftovers"/>) and started again, and the image is imported only where it is missing. The agents must be up first: dockerd finds
/// weftd's plugin socket only if it is there when dockerd starts (otherwise it stalls 15 s on a plugin lookup).
/// </summary>
internal static class LabDocker
{
    public static async Task<IReadOnlyList<string>> UpAsync(string prefix, int hosts, CancellationToken ct)
    {
        var changes = new List<string>();
        byte[]? image = null; // built once, only if some dockerd lacks it
        for (var host = 1; host <= hosts; host++)
        {
            var paths = new LabDockerPaths(prefix, host);
            var finding = LabDockerd.Find(paths);
            if (finding is { State: LabDockerdState.Running, Pid: { } running })
            {
                await LabDockerd.WaitUntilAnsweringAsync(paths, running, ct); // alive but perhaps still starting
            }
            else
            {
                if (finding.State != LabDockerdState.NotStarted)
                    changes.AddRange(CleanUpAfter(paths, finding));
                var pid = LabDockerd.Start(paths);
                await LabDockerd.WaitUntilAnsweringAsync(paths, pid, ct);
                changes.Add($"{(finding.State == LabDockerdState.NotStarted ? "started" : "restarted")} dockerd in {LabNames.HostNamespace(prefix, host)} (pid {pid}, socket {paths.Socket})");
            }
            using var api = new LabDockerApi(paths.Socket);
            if (!await api.HasImageAsync(LabBusyboxImage.Reference, ct))
            {
                image ??= LabBusyboxImage.BuildRootfsTar();
                await api.ImportAsync(image, LabBusyboxImage.Repository, LabBusyboxImage.Tag, LabBusyboxImage.Changes, ct);
                changes.Add($"imported {LabBusyboxImage.Reference} into the dockerd of h{host}");
            }
        }
        return changes;
    }

    /// <summary>Before a host's dockerd is started again: stops one in an old namespace, kills what survived it, and clears its pid files.</summary>
    private static IReadOnlyList<string> CleanUpAfter(LabDockerPaths paths, LabDockerdFinding finding)
    {
        var done = new List<string>();
        if (finding.State == LabDockerdState.InOldNamespace)
        {
            LabDockerd.Stop(paths);
            done.Add($"dockerd of h{paths.Host} (pid {finding.Pid}) ran in a network namespace that is no longer {LabNames.HostNamespace(paths.Prefix, paths.Host)}: stopped it");
        }
        else
        {
            done.Add($"dockerd of h{paths.Host}{(finding.Pid is { } dead ? $" (pid {dead})" : "")} had died");
        }
        done.AddRange(LabDockerLeftovers.Remove(paths));
        // The old dockerd's pid files (its own, and containerd's in the exec root) may name a process that is another one
        // by now, or a zombie not yet reaped: the new dockerd would refuse to start, or wait for that "containerd" until it
        // times out. Nothing else in the exec root outlives the processes just killed.
        File.Delete(paths.PidFile);
        if (Directory.Exists(paths.ExecRoot))
            Directory.Delete(paths.ExecRoot, recursive: true);
        return done;
    }

    /// <summary>The dockerd of every host of the lab that has one (or had one), as <c>lab status</c> shows them; empty for a lab without Docker.</summary>
    public static IReadOnlyList<LabDockerdFinding> Find(string prefix) =>
        [.. LabAgents.HostDirectories(prefix).Select(h => LabDockerd.Find(new LabDockerPaths(prefix, h.Host))).Where(f => f.State != LabDockerdState.NotStarted)];

    /// <summary>
    /// Stops every dockerd of the lab by its recorded PID, kills what survived it (containerd, shims, containers) by
    /// PID, removes their cgroups and mounts, and deletes their data and exec roots; returns what it did. The containers
    /// are stopped first with no grace period: the lab discards them, and dockerd's own shutdown would give each 10 s.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DownAsync(string prefix, CancellationToken ct)
    {
        var done = new List<string>();
        foreach (var (host, _) in LabAgents.HostDirectories(prefix))
        {
            var paths = new LabDockerPaths(prefix, host);
            if (!Directory.Exists(paths.DataRoot) && !Directory.Exists(paths.ExecRoot))
                continue;
            if (LabDockerd.Find(paths).State is LabDockerdState.Running or LabDockerdState.InOldNamespace)
                done.AddRange(await StopContainersAsync(paths, ct));
            if (LabDockerd.Stop(paths) is { } pid)
                done.Add($"stopped dockerd of h{host} (pid {pid})");
            done.AddRange(LabDockerLeftovers.Remove(paths));
            foreach (var root in (string[])[paths.ExecRoot, paths.DataRoot])
            {
                if (Directory.Exists(root))
                    Directory.Delete(root, recursive: true);
            }
        }
        return done;
    }

    /// <summary>Best effort: what dockerd does not stop here, SIGTERM/SIGKILL and <see cref="LabDockerLeftovers"/> will.</summary>
    private static async Task<IReadOnlyList<string>> StopContainersAsync(LabDockerPaths paths, CancellationToken ct)
    {
        using var api = new LabDockerApi(paths.Socket);
        try
        {
            return await api.AnswersAsync(ct) && await api.StopAllAsync(ct) is > 0 and var count ? [$"stopped {count} container(s) of h{paths.Host}'s dockerd"] : [];
        }
        catch (Exception e) when (e is CliException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return [$"could not stop the containers of h{paths.Host}'s dockerd through its API ({e.Message}): killing them"];
        }
    }
}
