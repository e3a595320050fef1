namespace Weft.Cli.Lab;

/// <summary>
/// Where lab host N of lab P keeps its containerd, all in <c>/run/weft/P-hN/containerd/</c> (removed by <c>lab down</c>):
/// its config, socket, root and state, log and pid file, the CNI configuration and plugin directories <c>ctr run --cni</c>
/// reads for this host (ctr 1.6 reads only <c>/etc/cni/net.d</c> and <c>/opt/cni/bin</c>, so <see cref="Ctr"/> runs ctr in
/// a mount namespace of its own where these two are mounted there), and that <see cref="Ctr"/> wrapper.
/// </summary>
internal sealed record LabContainerdPaths(string Prefix, int Host)
{
    public string Directory => Path.Combine(LabAgents.RunDirectory(Prefix, Host), "containerd");

    public string Config => Path.Combine(Directory, "config.toml");

    public string Socket => Path.Combine(Directory, "containerd.sock");

    public string Root => Path.Combine(Directory, "root");

    public string State => Path.Combine(Directory, "state");

    public string LogFile => Path.Combine(Directory, "containerd.log");

    public string PidFile => Path.Combine(Directory, "containerd.pid");

    /// <summary>Where <c>weft cni install --conf-dir</c> puts a network's conflist for this host's containerd.</summary>
    public string NetworkConfigDirectory => Path.Combine(Directory, "net.d");

    /// <summary>This host's CNI plugins for ctr: <c>weft-cni</c> and the <c>loopback</c> plugin ctr always adds.</summary>
    public string PluginDirectory => Path.Combine(Directory, "cni-bin");

    /// <summary>The directory of the <c>ctr</c> wrapper (what <c>weft lab env</c> puts first in PATH).</summary>
    public string WrapperDirectory => Path.Combine(Directory, "bin");

    /// <summary>ctr for this host: its socket, and its own CNI directories where ctr looks for them.</summary>
    public string Ctr => Path.Combine(WrapperDirectory, "ctr");
}
