using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// containerd with <c>ctr run --cni</c> on the network the podman containers use: its container reaches both podman
/// containers (h1 and h2) by IP and by name; killed without a CNI DEL (ctr never sends one for a detached container), its
/// endpoint is gone within 2 s of its namespace.
/// </summary>
public sealed partial class CniRuntimeTests
{
    [RootFact("ip", "podman", "ctr")]
    public void A_containerd_container_reaches_both_podman_containers_by_ip_and_by_name_and_leaves_no_endpoint_when_killed()
    {
        lab.Ctr(1, "run", "-d", "--cni", CniRuntimesLab.Image, "cc", "sleep", "3600").EnsureSuccess("ctr run --cni cc");
        try
        {
            foreach (var target in new[] { "pa", "pb", lab.AddressOf("pa", "pm"), lab.AddressOf("pb", "pm") })
            {
                var ping = lab.Ctr(1, "tasks", "exec", "--exec-id", $"ping-{target.Replace('.', '-')}", "cc", "ping", "-c", "1", "-W", "2", target);
                Assert.True(ping.ExitCode == 0, $"cc reaches {target}: {ping.StdOut}{ping.StdErr}");
            }
            Assert.True(OnNetwork("h2", "cni-default-cc"), "the containerd container is an endpoint (named after containerd's namespace and id)");
        }
        finally
        {
            lab.Ctr(1, "tasks", "kill", "--signal", "SIGKILL", "cc");
            Assert.True(CliLab.Eventually(() => lab.Ctr(1, "tasks", "ls", "-q").StdOut.Trim().Length == 0 || lab.Ctr(1, "tasks", "delete", "cc").ExitCode == 0, TimeSpan.FromSeconds(5)));
            lab.Ctr(1, "containers", "delete", "cc");
        }
        Assert.True(CliLab.Eventually(() => !OnNetwork("h2", "cni-default-cc"), TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(5)),
            "its endpoint is gone once its namespace is (within the 5 s resync at the latest)");
    }
}
