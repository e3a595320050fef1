namespace Weft.Cli.Lab;

/// <summary>
/// <c>lab up --podman</c>: each lab host gets a podman of its own (<see cref="LabPodmanPaths"/>): podman 4.3's CNI network
/// backend (it defaults to netavark) reading network configurations only from the host's own directory, where <c>weft cni
/// install --conf-dir … --bin-dir …</c> puts a Weft network's conflist and <c>weft-cni</c>; the file-descriptor and process
/// limits podman needs in this machine's sandbox; the vfs storage driver (no overlay mounts to leak); and the lab's
/// busybox image (no registry is reachable). podman has no daemon: containers are made per command, each in a namespace
/// podman makes, which <c>weft-cni</c> asks the host's weftd to plug into the network. Nothing lives in the root
/// namespace. <c>lab down</c> removes every container first, so each goes through CNI DEL.
/// </summary>
internal static class LabPodman
{
    public const string Binary = "/usr/bin/podman";

    public static async Task<IReadOnlyList<string>> UpAsync(string prefix, int hosts, CancellationToken ct)
    {
        if (!File.Exists(Binary))
            throw new CliException($"lab: {Binary} is missing: install Debian's podman (scripts/setup-system --podman)");
        var changes = new List<string>();
        byte[]? image = null;
        for (var host = 1; host <= hosts; host++)
        {
            var paths = new LabPodmanPaths(prefix, host);
            foreach (var directory in new[] { paths.NetworkConfigDirectory, paths.PluginDirectory, paths.GraphRoot, paths.RunRoot, paths.TmpDirectory })
                System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(paths.ContainersConf, ContainersConf(paths));
            File.WriteAllText(paths.StorageConf, StorageConf(paths));
            if ((await RunAsync(paths, ["image", "exists", LocalImage], null, ct)).ExitCode != 0)
            {
                image ??= LabBusyboxImage.BuildRootfsTar();
                var imported = await RunAsync(paths, ["import", "--change", LabBusyboxImage.Changes, "-", LocalImage], image, ct);
                if (imported.ExitCode != 0) throw new CliException($"lab: podman import for h{host} failed: {imported.Error.Trim()}");
                changes.Add($"podman for h{host}: {LocalImage} imported, CNI networks from {paths.NetworkConfigDirectory}");
            }
        }
        return changes;
    }

    /// <summary>Removes every podman container of the lab's hosts (each one's CNI DEL runs), then their podman directories.</summary>
    public static async Task<IReadOnlyList<string>> DownAsync(string prefix, CancellationToken ct)
    {
        var done = new List<string>();
        if (!File.Exists(Binary)) return done;
        foreach (var (host, _) in LabAgents.HostDirectories(prefix))
        {
            var paths = new LabPodmanPaths(prefix, host);
            if (!File.Exists(paths.ContainersConf)) continue;
            var removed = await RunAsync(paths, ["rm", "--force", "--all", "--time", "0"], null, ct);
            if (removed.Output.Trim().Length > 0) done.Add($"removed the podman containers of h{host}");
            await RunAsync(paths, ["system", "reset", "--force"], null, ct); // its storage (vfs layers) and run root
            if (System.IO.Directory.Exists(paths.Directory)) System.IO.Directory.Delete(paths.Directory, recursive: true);
        }
        return done;
    }

    /// <summary>The image every lab podman has: the lab's busybox.</summary>
    public const string LocalImage = "localhost/" + LabBusyboxImage.Reference;

    private static string ContainersConf(LabPodmanPaths paths) => $"""
        # weft lab: podman of h{paths.Host} (CONTAINERS_CONF), made by 'weft lab up --podman'
        [containers]
        default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

        [network]
        network_backend = "cni"
        network_config_dir = "{paths.NetworkConfigDirectory}"
        cni_plugin_dirs = ["{paths.PluginDirectory}"]

        [engine]
        tmp_dir = "{paths.TmpDirectory}"

        """;

    private static string StorageConf(LabPodmanPaths paths) => $"""
        # weft lab: podman storage of h{paths.Host} (CONTAINERS_STORAGE_CONF)
        [storage]
        driver = "vfs"
        graphroot = "{paths.GraphRoot}"
        runroot = "{paths.RunRoot}"

        """;

    /// <summary>Runs podman for one lab host (its environment), with <paramref name="input"/> on stdin when given.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(LabPodmanPaths paths, IReadOnlyList<string> arguments, byte[]? input, CancellationToken ct) =>
        LabProcess.RunAsync(Binary, arguments, paths.Environment, input, TimeSpan.FromSeconds(120), $"podman {string.Join(' ', arguments)} for h{paths.Host}", ct);
}
