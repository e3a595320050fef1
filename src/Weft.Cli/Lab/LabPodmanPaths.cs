namespace Weft.Cli.Lab;

/// <summary>
/// Where lab host N of lab P keeps its podman, all in <c>/run/weft/P-hN/podman/</c> (removed by <c>lab down</c>): the
/// <c>containers.conf</c> and <c>storage.conf</c> podman is pointed at with <c>CONTAINERS_CONF</c> and
/// <c>CONTAINERS_STORAGE_CONF</c>, its CNI network configuration and plugin directories, its image store, run root and
/// temporary files. Nothing is shared between hosts or with the machine's own podman.
/// </summary>
internal sealed record LabPodmanPaths(string Prefix, int Host)
{
    public string Directory => Path.Combine(LabAgents.RunDirectory(Prefix, Host), "podman");

    public string ContainersConf => Path.Combine(Directory, "containers.conf");

    public string StorageConf => Path.Combine(Directory, "storage.conf");

    /// <summary>Where <c>weft cni install --conf-dir</c> puts a network's conflist for this host's podman.</summary>
    public string NetworkConfigDirectory => Path.Combine(Directory, "net.d");

    /// <summary>Where podman looks for CNI plugins (<c>weft-cni</c>) for this host.</summary>
    public string PluginDirectory => Path.Combine(Directory, "cni-bin");

    public string GraphRoot => Path.Combine(Directory, "storage");

    public string RunRoot => Path.Combine(Directory, "run");

    public string TmpDirectory => Path.Combine(Directory, "tmp");

    /// <summary>The environment podman commands for this host need (what <c>weft lab env</c> prints).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["CONTAINERS_CONF"] = ContainersConf,
        ["CONTAINERS_STORAGE_CONF"] = StorageConf,
    };
}
