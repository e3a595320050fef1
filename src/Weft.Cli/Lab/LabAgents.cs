using Weft.Linux.Namespaces;
using Weft.Linux.Processes;
using System.Diagnostics;
using System.Globalization;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Lab;

namespace Weft.Cli.Lab;

/// <summary>
/// One weftd per lab host: started inside the host's namespace with <c>ip netns exec</c>, detached, its log, pid file,
/// data and socket in <c>/run/weft/&lt;prefix&gt;-hN/</c>; h1 becomes the cluster manager and the other hosts join it with
/// the token over the lab underlay. Stopped by the PID it recorded, never by name.
/// </summary>
internal static class LabAgents
{
    public const int ClusterPort = 7946;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public static string RunDirectory(string prefix, int host) => Path.GetDirectoryName(AgentAddress.LabSocketPath(prefix, $"h{host}"))!;

    private static string PidFile(string prefix, int host) => Path.Combine(RunDirectory(prefix, host), "weftd.pid");

    public static string LogFile(string prefix, int host) => Path.Combine(RunDirectory(prefix, host), "weftd.log");

    /// <summary>Starts the agents that are not answering, then forms the cluster; returns what it did.</summary>
    /// <param name="offloads">WEFT_OFFLOADS for the agents (e.g. "off" forces the plain data path); null: inherited.</param>
    public static async Task<IReadOnlyList<string>> UpAsync(string prefix, int hosts, CancellationToken ct, string? offloads = null)
    {
        var changes = new List<string>();
        for (var host = 1; host <= hosts; host++)
        {
            if (await AnswersAsync(prefix, host, ct))
            {
                continue;
            }
            var pid = Start(prefix, host, offloads);
            await WaitUntilAnsweringAsync(prefix, host, pid, ct);
            changes.Add($"started weftd in {LabNames.HostNamespace(prefix, host)} (pid {pid}, socket {AgentAddress.LabSocketPath(prefix, $"h{host}")})");
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
        var root = AgentAddress.RunDirectory;
        if (!Directory.Exists(root))
        {
            return stopped;
        }
        foreach (var directory in Directory.GetDirectories(root, prefix + "-h*"))
        {
            if (LabNames.HostNumber(prefix, Path.GetFileName(directory)) is not { } host)
            {
                continue;
            }
            if (File.Exists(PidFile(prefix, host)) && int.TryParse(File.ReadAllText(PidFile(prefix, host)).Trim(), NumberStyles.None,
                    CultureInfo.InvariantCulture, out var pid))
            {
                Stop(pid);
                stopped.Add($"stopped weftd of h{host} (pid {pid})");
            }
            Directory.Delete(directory, recursive: true);
        }
        return stopped;
    }

    /// <summary>The weftd process of a lab host, if its pid file names a live weftd.</summary>
    public static int? RunningPid(string prefix, int host)
    {
        var file = PidFile(prefix, host);
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        return IsWeftd(pid) ? pid : null;
    }

    private static int Start(string prefix, int host, string? offloads)
    {
        var directory = RunDirectory(prefix, host);
        Directory.CreateDirectory(directory);
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
                     "--cluster-port", ClusterPort.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["WEFT_LAB_LOG"] = LogFile(prefix, host);
        if (offloads is not null) start.Environment["WEFT_OFFLOADS"] = offloads;
        using var process = Process.Start(start) ?? throw new CliException($"lab: starting weftd for h{host} failed");
        File.WriteAllText(PidFile(prefix, host), process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
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

    private static async Task<bool> AnswersAsync(string prefix, int host, CancellationToken ct)
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

    private static async Task WaitUntilAnsweringAsync(string prefix, int host, int pid, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersAsync(prefix, host, ct))
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

    private static Task<string> ReadTokenAsync(string prefix, CancellationToken ct) =>
        File.ReadAllTextAsync(Path.Combine(RunDirectory(prefix, 1), "data", "cluster", "join-token"), ct).ContinueWith(t => t.Result.Trim(), ct,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private static void Stop(int pid)
    {
        if (!IsWeftd(pid))
        {
            return;
        }
        using var process = Process.GetProcessById(pid);
        ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGTERM);
        if (!process.WaitForExit(StopTimeout))
        {
            ProcessSignals.SendIfRunning(pid, ProcessSignals.SIGKILL);
            process.WaitForExit(StopTimeout);
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    // Only a process whose command line is weftd's: a recycled PID is never signalled.
    private static bool IsWeftd(int pid)
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
}
