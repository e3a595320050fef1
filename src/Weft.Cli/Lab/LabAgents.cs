using Weft.Linux.Namespaces;
using Weft.Linux.Processes;
using System.Diagnostics;
using System.Globalization;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Cluster.Join;
using Weft.Lab;

namespace Weft.Cli.Lab;

/// <summary>
/// One weftd per lab host: started inside the host's namespace with <c>ip netns exec</c>, detached, its log, pid file,
/// data and socket in <c>/run/weft/&lt;prefix&gt;-hN/</c>; h1 becomes the cluster manager and the other hosts join it with
/// the token over the lab underlay. Each is told its own host's Docker plugin directory, dockerd socket and resolver
/// address (<see cref="LabDockerPaths"/>), whether or not the lab runs Docker, never the machine's defaults. Stopped by
/// the PID it recorded, never by name.
/// </summary>
internal static class LabAgents
{
    public const int ClusterPort = 7946;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public static string RunDirectory(string prefix, int host) => Path.GetDirectoryName(AgentAddress.LabSocketPath(prefix, $"h{host}"))!;

    public static string LogFile(string prefix, int host) => Path.Combine(RunDirectory(prefix, host), "weftd.log");

    /// <summary>
    /// Starts the agents that are not running, restarts those that died or sit in a host namespace that was made anew
    /// (see <see cref="LabAgentCheck"/>), then forms the cluster; returns what it did. Refuses, before starting anything,
    /// a lab it cannot repair (an agent it did not start on a host's socket; the manager's cluster data gone while other
    /// hosts are members), saying what to do.
    /// </summary>
    /// <param name="offloads">WEFT_OFFLOADS for the agents (e.g. "off" forces the plain data path); null: inherited.</param>
    /// <param name="dataPaths">weftd's --data-path per host (<see cref="LabDataPaths"/>); null: weftd's default.</param>
    public static async Task<IReadOnlyList<string>> UpAsync(string prefix, int hosts, CancellationToken ct, string? offloads = null, LabDataPaths? dataPaths = null)
    {
        var changes = new List<string>();
        var findings = new List<LabAgentFinding>();
        for (var host = 1; host <= hosts; host++)
        {
            findings.Add(await LabAgentCheck.FindAsync(prefix, host, ct));
        }
        RefuseUnrepairable(prefix, hosts, findings);
        foreach (var finding in findings.Where(f => f.State != LabAgentState.Running))
        {
            var host = finding.Host;
            string? why = null;
            if (finding.State == LabAgentState.InOldNamespace)
            {
                Stop(finding.Pid!.Value);
                why = $"weftd of h{host} (pid {finding.Pid}) ran in a network namespace that is no longer {LabNames.HostNamespace(prefix, host)}: stopped it";
            }
            else if (finding.State == LabAgentState.Dead)
            {
                why = $"weftd of h{host} (pid {finding.Pid}) had died";
            }
            var pid = Start(prefix, host, offloads, dataPaths?.For(host));
            await WaitUntilAnsweringAsync(prefix, host, pid, ct);
            if (why is not null)
            {
                changes.Add(why);
            }
            changes.Add($"{(why is null ? "started" : "restarted")} weftd in {LabNames.HostNamespace(prefix, host)} (pid {pid}, socket {AgentAddress.LabSocketPath(prefix, $"h{host}")})");
        }
        foreach (var finding in findings.Where(f => f.State == LabAgentState.Running))
        {
            await WaitUntilAnsweringAsync(prefix, finding.Host, finding.Pid!.Value, ct); // alive but perhaps still starting
        }

        using var manager = new WeftApiClient(AgentAddress.LabSocketPath(prefix, "h1"));
        var managerAddress = $"{LabNames.HostAddress(1)}:{ClusterPort}";
        var info = await manager.GetInfoAsync(ct);
        string? token = null;
        if (info.Cluster.LocalNodeState != "active")
        {
            token = (await manager.ClusterInitAsync(new ClusterInitRequest { AdvertiseAddr = managerAddress }, ct)).JoinToken;
            changes.Add($"h1 initialized the cluster (manager {managerAddress})");
        }
        for (var host = 2; host <= hosts; host++)
        {
            using var worker = new WeftApiClient(AgentAddress.LabSocketPath(prefix, $"h{host}"));
            if ((await worker.GetInfoAsync(ct)).Cluster.LocalNodeState == "active")
            {
                continue;
            }
            token ??= await ReadTokenAsync(prefix, ct);
            await worker.ClusterJoinAsync(new ClusterJoinRequest
            {
                RemoteAddr = managerAddress,
                JoinToken = token,
                AdvertiseAddr = LabNames.HostAddress(host).ToString(),
            }, ct);
            changes.Add($"h{host} joined the cluster");
        }
        await WaitUntilAllReadyAsync(manager, prefix, hosts, ct);
        return changes;
    }

    /// <summary>Agents register themselves asynchronously after joining; lab up returns once the manager lists them all ready.</summary>
    private static async Task WaitUntilAllReadyAsync(WeftApiClient manager, string prefix, int hosts, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var nodes = await manager.ListNodesAsync(ct);
            var ready = nodes.Count(n => n.Status == "ready");
            if (ready >= hosts)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CliException($"lab: only {ready} of {hosts} hosts are ready in the cluster after {StartTimeout.TotalSeconds} s; see the logs {LogFile(prefix, 1)} .. {LogFile(prefix, hosts)}");
            }
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Stops every lab agent by the PID it recorded and removes its run directory.</summary>
    public static IReadOnlyList<string> Down(string prefix)
    {
        var stopped = new List<string>();
        foreach (var (host, directory) in HostDirectories(prefix))
        {
            if (LabAgentCheck.RecordedPid(prefix, host) is { } pid && Stop(pid))
            {
                stopped.Add($"stopped weftd of h{host} (pid {pid})");
            }
            Directory.Delete(directory, recursive: true);
        }
        return stopped;
    }

    /// <summary>The run directories <c>/run/weft/P-hN</c> of the lab's hosts that exist, with their host numbers.</summary>
    public static IEnumerable<(int Host, string Directory)> HostDirectories(string prefix)
    {
        var root = AgentAddress.RunDirectory;
        if (!Directory.Exists(root))
        {
            return [];
        }
        return Directory.GetDirectories(root, prefix + "-h*")
            .Select(d => (Host: LabNames.HostNumber(prefix, Path.GetFileName(d)), Directory: d))
            .Where(h => h.Host is not null)
            .Select(h => (h.Host!.Value, h.Directory))
            .OrderBy(h => h.Item1)
            .ToList();
    }

    private static int Start(string prefix, int host, string? offloads, string? dataPath)
    {
        var directory = RunDirectory(prefix, host);
        var docker = new LabDockerPaths(prefix, host);
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(docker.PluginDirectory);
        var (program, leading) = Weftd();
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        // sh redirects to the log and execs nsenter, which execs weftd in the namespace: the PID we get is weftd's.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$WEFT_LAB_LOG\" 2>&1");
        // nsenter enters only the host's network namespace; `ip netns exec` would also put weftd in a mount namespace of
        // its own (a slave of the root one), and the namespaces weftd makes for sandboxes and containers would then be
        // mounted there only: invisible to others and gone with the process, so containers would not survive a restart.
        foreach (var argument in (string[])["nsenter", $"--net={NetworkNamespace.PathOf(LabNames.HostNamespace(prefix, host))}", program, .. leading,
                     "--socket", AgentAddress.LabSocketPath(prefix, $"h{host}"),
                     "--data-dir", Path.Combine(directory, "data"),
                     "--node-name", $"h{host}",
                     "--netns-prefix", LabNames.HostNamespace(prefix, host),
                     "--underlay-address", LabNames.HostAddress(host).ToString(),
                     "--cluster-port", ClusterPort.ToString(CultureInfo.InvariantCulture),
                     // The host's own Docker plugin directory, dockerd and resolver (LabDockerd), not the machine's defaults.
                     "--docker-plugin-dir", docker.PluginDirectory,
                     "--docker-host", docker.DockerHost,
                     "--host-dns", LabDockerPaths.HostDns])
        {
            start.ArgumentList.Add(argument);
        }
        if (dataPath is not null)
        {
            start.ArgumentList.Add("--data-path");
            start.ArgumentList.Add(dataPath);
        }
        start.Environment["WEFT_LAB_LOG"] = LogFile(prefix, host);
        if (offloads is not null) start.Environment["WEFT_OFFLOADS"] = offloads;
        using var process = Process.Start(start) ?? throw new CliException($"lab: starting weftd for h{host} failed");
        File.WriteAllText(LabAgentCheck.PidFile(prefix, host), process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        return process.Id;
    }

    /// <summary>weftd next to this program: its apphost, else <c>dotnet weftd.dll</c>.</summary>
    private static (string Program, string[] Leading) Weftd()
    {
        var directory = AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "weftd.dll");
        if (!File.Exists(dll))
        {
            throw new CliException($"lab: weftd is not next to weft ({dll} is missing); build the solution first");
        }
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(dotnet) && Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            dotnet = Environment.ProcessPath;
        }
        dotnet ??= (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "dotnet")).FirstOrDefault(File.Exists);
        return dotnet is null ? (Path.Combine(directory, "weftd"), []) : (dotnet, [dll]);
    }

    private static async Task WaitUntilAnsweringAsync(string prefix, int host, int pid, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await LabAgentCheck.AnswersAsync(prefix, host, ct))
        {
            if (!IsAlive(pid))
            {
                throw new CliException($"lab: weftd of h{host} exited at start; see {LogFile(prefix, host)}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CliException($"lab: weftd of h{host} (pid {pid}) did not answer within {StartTimeout.TotalSeconds} s; see {LogFile(prefix, host)}");
            }
            await Task.Delay(100, ct);
        }
    }

    private static string ClusterDirectory(string prefix, int host) => Path.Combine(RunDirectory(prefix, host), "data", "cluster");

    private static async Task<string> ReadTokenAsync(string prefix, CancellationToken ct)
    {
        var file = Path.Combine(ClusterDirectory(prefix, 1), ClusterSetup.TokenFile);
        try
        {
            return (await File.ReadAllTextAsync(file, ct)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException($"lab '{prefix}': the manager's join token {file} is gone; {Rebuild(prefix)}");
        }
    }

    private static string Rebuild(string prefix) => $"run 'weft lab down --prefix {prefix}' then 'weft lab up --prefix {prefix}' to rebuild the lab";

    /// <summary>The broken labs <c>lab up</c> cannot repair: one line saying why and what to do, before anything is started.</summary>
    private static void RefuseUnrepairable(string prefix, int hosts, IReadOnlyList<LabAgentFinding> findings)
    {
        if (findings.FirstOrDefault(f => f.State == LabAgentState.Unaccounted) is { } stranger)
        {
            throw new CliException($"lab '{prefix}': an agent answers on {AgentAddress.LabSocketPath(prefix, $"h{stranger.Host}")} but {LabAgentCheck.PidFile(prefix, stranger.Host)} names no running weftd, so the lab cannot restart it; stop that agent, then {Rebuild(prefix)}");
        }
        // A manager started afresh would make a new cluster that the existing members do not belong to.
        var managerStarts = findings[0].State != LabAgentState.Running;
        var members = Enumerable.Range(2, hosts - 1).Where(h => ClusterSetup.IsMember(ClusterDirectory(prefix, h))).ToList();
        if (managerStarts && members.Count > 0 && !ClusterSetup.IsManager(ClusterDirectory(prefix, 1)))
        {
            throw new CliException($"lab '{prefix}': the manager's cluster data ({ClusterDirectory(prefix, 1)}) is gone while {string.Join(", ", members.Select(h => $"h{h}"))} still {(members.Count == 1 ? "belongs" : "belong")} to its cluster; {Rebuild(prefix)}");
        }
    }

    /// <summary>Stops the weftd <paramref name="pid"/> (TERM, then KILL); false when that PID is no weftd (anymore).</summary>
    private static bool Stop(int pid)
    {
        if (!LabAgentCheck.IsWeftd(pid))
        {
            return false;
        }
        Process process;
        try
        {
            process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return false; // exited meanwhile
        }
        using var _ = process;
        ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGTERM);
        if (!process.WaitForExit(StopTimeout))
        {
            ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGKILL);
            if (!process.WaitForExit(StopTimeout))
            {
                throw new CliException($"lab: weftd (pid {pid}) did not exit after SIGKILL within {StopTimeout.TotalSeconds} s");
            }
        }
        return true;
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
