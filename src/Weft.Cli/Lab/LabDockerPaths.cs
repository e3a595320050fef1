using Weft.Lab;

namespace Weft.Cli.Lab;

/// <summary>
/// Where lab host N of lab P keeps its dockerd, all inside the host's run directory <c>/run/weft/P-hN/</c> (removed by
/// <c>lab down</c>): its socket, pid file, log, data root and exec root; the directory weftd serves its Docker plugin
/// socket in, bind-mounted over <c>/run/docker/plugins</c> for that dockerd only; the <c>resolv.conf</c> and
/// <c>/etc/docker</c> that dockerd sees; and the cgroup its containers go in (<c>/P-hN</c> in every hierarchy).
/// </summary>
internal sealed record LabDockerPaths(string Prefix, int Host)
{
    /// <summary>Where weftd answers container names in the host's namespace; the only nameserver of the host's dockerd.</summary>
    public const string HostDns = "127.0.0.153";

    public string RunDirectory => LabAgents.RunDirectory(Prefix, Host);

    public string Socket => Path.Combine(RunDirectory, "docker.sock");

    /// <summary>The socket as <c>DOCKER_HOST</c> and weftd's <c>--docker-host</c> take it.</summary>
    public string DockerHost => "unix://" + Socket;

    public string PidFile => Path.Combine(RunDirectory, "dockerd.pid");

    public string LogFile => Path.Combine(RunDirectory, "dockerd.log");

    public string DataRoot => Path.Combine(RunDirectory, "docker-data");

    public string ExecRoot => Path.Combine(RunDirectory, "docker-exec");

    public string PluginDirectory => Path.Combine(RunDirectory, "docker-plugins");

    public string ResolvConf => Path.Combine(RunDirectory, "resolv.conf");

    /// <summary>Mounted over <c>/etc/docker</c> for dockerd: its key.json, daemon.json and plugin specs stay here.</summary>
    public string EtcDocker => Path.Combine(RunDirectory, "etc-docker");

    /// <summary>dockerd's <c>--cgroup-parent</c>: the containers of this host, and nothing else, are below it.</summary>
    public string CgroupParent => "/" + LabNames.HostNamespace(Prefix, Host);
}
