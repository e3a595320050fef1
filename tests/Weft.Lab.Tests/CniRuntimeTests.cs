using System.Diagnostics;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Real podman (4.3, CNI backend) on a Weft network through weft-cni (issue 13): containers of two hosts' podman reach each
/// other by name through Weft's DNS, and a Weft container by name both ways; <c>podman rm -f</c> leaves no endpoint
/// anywhere within 2 s; a podman container removed after its host's weftd restarted goes cleanly (DEL against the new agent).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class CniRuntimeTests(CniRuntimesLab lab) : IClassFixture<CniRuntimesLab>
{
    private bool OnNetwork(string host, string name) =>
        lab.Must("-H", host, "network", "inspect", "pm", "--format", "{{range .Containers}}{{.Name}} {{end}}").Split(' ').Contains(name);

    [RootFact("ip", "podman")]
    public void Podman_containers_on_two_hosts_and_a_weft_container_reach_each_other_by_name()
    {
        Assert.Equal(0, lab.Podman(2, "exec", "pb", "ping", "-c", "1", "-W", "2", "pa").ExitCode);
        Assert.Equal(0, lab.Podman(1, "exec", "pa", "ping", "-c", "1", "-W", "2", "pb").ExitCode);
        Assert.Equal(0, lab.Podman(2, "exec", "pb", "ping", "-c", "1", "-W", "2", "pw").ExitCode);
        Assert.Equal(0, lab.Weft("-H", "h1", "exec", "pw", "ping", "-c", "1", "-W", "2", "pb").ExitCode);
        Assert.Contains("nameserver 127.0.0.11", lab.Podman(2, "exec", "pb", "cat", "/etc/resolv.conf").StdOut); // from weft-cni's result
        Assert.True(OnNetwork("h2", "pa") && OnNetwork("h1", "pb"), "both podman containers are endpoints of the network, under podman's names");
    }

    [RootFact("ip", "podman")]
    public void Podman_rm_leaves_no_endpoint_anywhere_within_two_seconds()
    {
        lab.Podman(2, "run", "-d", "--name", "pgone", "--network", "pm", CniRuntimesLab.Image, "sleep", "3600").EnsureSuccess("podman run pgone");
        Assert.True(OnNetwork("h1", "pgone"));
        lab.Podman(2, "rm", "--force", "--time", "0", "pgone").EnsureSuccess("podman rm -f pgone");
        Assert.True(CliLab.Eventually(() => !OnNetwork("h1", "pgone") && !OnNetwork("h2", "pgone"), TimeSpan.FromSeconds(2)),
            "no host lists pgone 2 s after podman rm");
    }

    [RootFact("ip", "podman")]
    public void A_podman_container_removed_after_its_hosts_weftd_restarted_goes_cleanly()
    {
        lab.Podman(1, "run", "-d", "--name", "psurvivor", "--network", "pm", CniRuntimesLab.Image, "sleep", "3600").EnsureSuccess("podman run psurvivor");
        var pid = int.Parse(File.ReadAllText($"/run/weft/{lab.Prefix}-h1/weftd.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(pid).Kill();
        Assert.True(CliLab.Eventually(() => !CliLab.IsRunning(pid), TimeSpan.FromSeconds(5)), "weftd of h1 is gone");
        lab.Must("lab", "up", "--hosts", "2");
        Assert.Equal(0, lab.Podman(2, "exec", "pb", "ping", "-c", "1", "-W", "2", "psurvivor").ExitCode); // the data path stayed, names too

        var removed = lab.Podman(1, "rm", "--force", "--time", "0", "psurvivor");
        Assert.True(removed.ExitCode == 0, removed.StdErr);
        Assert.True(CliLab.Eventually(() => !OnNetwork("h2", "psurvivor"), TimeSpan.FromSeconds(2)), "its endpoint is gone");
    }
}
