using System.Diagnostics;
using System.Globalization;
using Weft.Lab;
using Weft.Linux.Namespaces;

namespace Weft.Cli.Lab;

/// <summary>
/// <c>lab up --containerd</c>: each lab host gets a containerd of its own (<see cref="LabContainerdPaths"/>: own config,
/// root, state and socket, started by PID in the host's network namespace, its CRI plugin off) with the lab's busybox
/// image, and a <c>ctr</c> wrapper that runs Debian's ctr 1.6 against it with the host's own CNI directories mounted where
/// ctr reads them (<c>/etc/cni/net.d</c>, <c>/opt/cni/bin</c>), in a mount namespace of that ctr only: <c>ctr run --cni</c>
/// then plugs containers in through <c>weft-cni</c> and the host's weftd. Nothing is shared between hosts or left in the
/// root namespace. <c>lab down</c> kills every task, stops containerd by PID and removes its directory.
/// </summary>
internal static class LabContainerd
{
    public const string Binary = "/usr/bin/containerd";
    public const string CtrBinary = "/usr/bin/ctr";

    /// <summary>Where Debian's containernetworking-plugins keeps the loopback plugin ctr adds to every container.</summary>
    public const string LoopbackPlugin = "/usr/lib/cni/loopback";

    public static async Task<IReadOnlyList<string>> UpAsync(string prefix, int hosts, CancellationToken ct)
    {
        foreach (var needed in new[] { Binary, CtrBinary, LoopbackPlugin })
        {
            if (!File.Exists(needed))
                throw new CliException($"lab: {needed} is missing: install Debian's containerd and containernetworking-plugins (scripts/setup-system --containerd)");
        }
        var changes = new List<string>();
        byte[]? image = null;
        for (var host = 1; host <= hosts; host++)
        {
            var paths = new LabContainerdPaths(prefix, host);
            foreach (var directory in new[] { paths.Root, paths.State, paths.NetworkConfigDirectory, paths.PluginDirectory, paths.WrapperDirectory })
                System.IO.Directory.CreateDirectory(directory);
            File.Copy(LoopbackPlugin, Path.Combine(paths.PluginDirectory, "loopback"), overwrite: true);
            WriteExecutable(paths.Ctr, CtrWrapper(paths));
            if (Pid(paths) is not { } pid)
            {
                File.WriteAllText(paths.Config, Config(paths));
                pid = Start(paths);
                changes.Add($"started containerd in {LabNames.HostNamespace(prefix, host)} (pid {pid}, socket {paths.Socket})");
            }
            await WaitUntilAnsweringAsync(paths, pid, ct);
            if (!(await CtrAsync(paths, ["images", "ls", "-q"], null, ct)).Output.Contains(LabContainerdImage.Reference, StringComparison.Ordinal))
            {
                image ??= LabContainerdImage.BuildArchive();
                var imported = await CtrAsync(paths, ["images", "import", "-"], image, ct);
                if (imported.ExitCode != 0) throw new CliException($"lab: ctr images import for h{host} failed: {imported.Error.Trim()}");
                changes.Add($"imported {LabContainerdImage.Reference} into the containerd of h{host}");
            }
        }
        return changes;
    }

    /// <summary>Kills every task of the lab's containerds, stops them by PID and removes their directories.</summary>
    public static async Task<IReadOnlyList<string>> DownAsync(string prefix, CancellationToken ct)
    {
        var done = new List<string>();
        foreach (var (host, _) in LabAgents.HostDirectories(prefix))
        {
            var paths = new LabContainerdPaths(prefix, host);
            if (!System.IO.Directory.Exists(paths.Directory)) continue;
            if (Pid(paths) is { } pid)
            {
                foreach (var task in (await CtrAsync(paths, ["tasks", "ls", "-q"], null, ct)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await CtrAsync(paths, ["tasks", "kill", "--signal", "SIGKILL", task], null, ct);
                    await CtrAsync(paths, ["tasks", "delete", "--force", task], null, ct);
                    await CtrAsync(paths, ["containers", "delete", task], null, ct);
                }
                Process.GetProcessById(pid).Kill();
                for (var i = 0; i < 50 && System.IO.Directory.Exists($"/proc/{pid}"); i++) await Task.Delay(100, ct);
                done.Add($"stopped containerd of h{host} (pid {pid})");
            }
            System.IO.Directory.Delete(paths.Directory, recursive: true);
        }
        return done;
    }

    /// <summary>The PID of the host's containerd when it runs (its pid file names a live containerd), else null.</summary>
    private static int? Pid(LabContainerdPaths paths)
    {
        if (!File.Exists(paths.PidFile) || !int.TryParse(File.ReadAllText(paths.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "containerd" ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int Start(LabContainerdPaths paths)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$WEFT_LAB_LOG\" 2>&1");
        foreach (var argument in (string[])["nsenter", $"--net={NetworkNamespace.PathOf(LabNames.HostNamespace(paths.Prefix, paths.Host))}", Binary, "--config", paths.Config])
            start.ArgumentList.Add(argument);
        start.Environment["WEFT_LAB_LOG"] = paths.LogFile;
        using var process = Process.Start(start) ?? throw new CliException($"lab: starting containerd for h{paths.Host} failed");
        File.WriteAllText(paths.PidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        return process.Id;
    }

    private static async Task WaitUntilAnsweringAsync(LabContainerdPaths paths, int pid, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await CtrAsync(paths, ["version"], null, ct)).ExitCode != 0)
        {
            if (!System.IO.Directory.Exists($"/proc/{pid}")) throw new CliException($"lab: containerd of h{paths.Host} exited at start; see {paths.LogFile}");
            if (DateTime.UtcNow > deadline) throw new CliException($"lab: containerd of h{paths.Host} (pid {pid}) did not answer within 20 s; see {paths.LogFile}");
            await Task.Delay(100, ct);
        }
    }

    private static string Config(LabContainerdPaths paths) => $"""
        # weft lab: containerd of h{paths.Host}, made by 'weft lab up --containerd'
        version = 2
        root = "{paths.Root}"
        state = "{paths.State}"
        disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]

        [grpc]
          address = "{paths.Socket}"

        """;

    /// <summary>
    /// ctr for this host. ctr 1.6 reads CNI configurations only from /etc/cni/net.d and plugins only from /opt/cni/bin: in a
    /// private mount namespace the host's own directories are bound there (over an existing /etc/cni/net.d, on a tmpfs over
    /// /opt), so nothing on the machine's filesystem changes.
    /// </summary>
    private static string CtrWrapper(LabContainerdPaths paths) => $$"""
        #!/bin/sh
        # weft lab: ctr for h{{paths.Host}} (its containerd; its CNI directories where ctr reads them). Made by 'weft lab up --containerd'.
        [ -d /etc/cni/net.d ] || { echo "ctr (weft lab): /etc/cni/net.d is missing; install Debian's podman or create it" >&2; exit 125; }
        exec unshare --mount --propagation private /bin/sh -c '
          mount --bind "$1" /etc/cni/net.d && mount -t tmpfs weft-lab-opt /opt && mkdir -p /opt/cni/bin && mount --bind "$2" /opt/cni/bin || exit 125
          shift 2
          exec {{CtrBinary}} --address "{{paths.Socket}}" "$@"' weft-lab-ctr "{{paths.NetworkConfigDirectory}}" "{{paths.PluginDirectory}}" "$@"

        """;

    private static void WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    /// <summary>Runs ctr against the host's containerd (no CNI involved), with <paramref name="input"/> on stdin when given.</summary>
    private static Task<(int ExitCode, string Output, string Error)> CtrAsync(LabContainerdPaths paths, IReadOnlyList<string> arguments, byte[]? input, CancellationToken ct) =>
        LabProcess.RunAsync(CtrBinary, ["--address", paths.Socket, .. arguments], null, input, TimeSpan.FromSeconds(60), $"ctr {string.Join(' ', arguments)} for h{paths.Host}", ct);
}
