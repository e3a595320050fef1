using System.Diagnostics;
using System.Text.Json;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// The real <c>weft-cni</c> against a real weftd (issue 13): ADD puts a namespace a "runtime" made on a Weft network, where
/// it reaches a Weft container on another host and back; CHECK sees it as made and notices a change; DEL takes everything
/// away and is idempotent; bad input gets the spec's error codes and leaves nothing.
/// </summary>
public sealed class CniPluginTests(CniLab lab) : IClassFixture<CniLab>
{
    private (int Exit, string Out) Plugin(string command, string containerId, string netns, string network = "cn", string? socket = null, string ifName = "eth0", string extra = "")
    {
        var start = new ProcessStartInfo(CniLab.Plugin) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_CONTAINERID"] = containerId;
        start.Environment["CNI_NETNS"] = netns;
        start.Environment["CNI_IFNAME"] = ifName;
        start.Environment["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAME=" + containerId;
        start.Environment["CNI_PATH"] = AppContext.BaseDirectory;
        using var process = Process.Start(start)!;
        process.StandardInput.Write($$"""{"cniVersion":"1.0.0","name":"weft","type":"weft-cni","network":"{{network}}","socket":"{{socket ?? lab.Socket(1)}}"{{extra}}}""");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "weft-cni finished");
        return (process.ExitCode, output);
    }

    private string Netns(string name)
    {
        var ns = $"{lab.Prefix}-{name}";
        Tool.Run("ip", ["netns", "add", ns], TimeSpan.FromSeconds(5)).EnsureSuccess($"ip netns add {ns}");
        return ns;
    }

    private static int Code(string output) => JsonDocument.Parse(output).RootElement.GetProperty("code").GetInt32();

    private bool OnNetwork(string name) => lab.Must("-H", "h2", "network", "inspect", "cn", "--format", "{{range .Containers}}{{.Name}} {{end}}").Split(' ').Contains(name);

    [RootFact("ip", "ping")]
    public void Add_plugs_a_runtimes_namespace_into_the_network_check_sees_it_and_del_takes_it_all_away_twice()
    {
        var ns = Netns("cni1");
        try
        {
            var (exit, output) = Plugin("ADD", "pod1", $"/run/netns/{ns}");
            Assert.True(exit == 0, output);
            var result = JsonDocument.Parse(output).RootElement;
            var address = result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
            Assert.Equal($"/run/netns/{ns}", result.GetProperty("interfaces")[0].GetProperty("sandbox").GetString());
            var link = LabFixture.Json(ns, "addr", "show", "eth0")[0];
            Assert.Equal(result.GetProperty("interfaces")[0].GetProperty("mac").GetString(), link.GetProperty("address").GetString());
            Assert.Equal(1450, link.GetProperty("mtu").GetInt32());

            var b = lab.AddressOf("cn-b", "cn");
            Assert.True(CliLab.Eventually(() => Tool.Run("ip", ["netns", "exec", ns, "ping", "-c", "1", "-W", "1", b], TimeSpan.FromSeconds(5)).ExitCode == 0,
                TimeSpan.FromSeconds(10)), "the CNI container reaches cn-b on h2");
            Assert.Equal(0, lab.Weft("-H", "h2", "exec", "cn-b", "ping", "-c", "1", "-W", "2", address).ExitCode);
            Assert.True(OnNetwork("pod1"), "the endpoint is on the network, under the runtime's name");

            Assert.Equal(0, Plugin("CHECK", "pod1", $"/run/netns/{ns}").Exit);
            Tool.Run("ip", ["-n", ns, "link", "set", "eth0", "mtu", "1300"], TimeSpan.FromSeconds(5)).EnsureSuccess("ip link set mtu");
            var (checkExit, checkOut) = Plugin("CHECK", "pod1", $"/run/netns/{ns}");
            Assert.Equal(1, checkExit);
            Assert.Contains("MTU 1300, not 1450", checkOut);

            Assert.Equal(0, Plugin("DEL", "pod1", $"/run/netns/{ns}").Exit);
            Assert.False(LabFixture.Json(ns, "link", "show").EnumerateArray().Any(l => l.GetProperty("ifname").GetString() == "eth0"), "eth0 is gone from the namespace");
            Assert.False(OnNetwork("pod1"), "the endpoint is gone");
            Assert.Equal(0, Plugin("DEL", "pod1", $"/run/netns/{ns}").Exit); // again: nothing left, still success
        }
        finally
        {
            Tool.Run("ip", ["netns", "del", ns], TimeSpan.FromSeconds(5));
        }
        Assert.Equal(0, Plugin("DEL", "pod1", $"/run/netns/{ns}").Exit); // and with its namespace gone
    }

    [RootFact("ip")]
    public void Gc_removes_the_attachments_the_runtime_no_longer_knows_and_keeps_the_others()
    {
        var kept = Netns("cni3");
        var forgotten = Netns("cni4");
        try
        {
            Assert.Equal(0, Plugin("ADD", "pod3", $"/run/netns/{kept}").Exit);
            Assert.Equal(0, Plugin("ADD", "pod4", $"/run/netns/{forgotten}").Exit);

            var (exit, output) = Plugin("GC", "-", "", extra: ""","cni.dev/valid-attachments":[{"containerID":"pod3","ifname":"eth0"}]""");
            Assert.True(exit == 0, output);
            Assert.True(OnNetwork("pod3"), "the attachment the runtime knows stays");
            Assert.False(OnNetwork("pod4"), "the forgotten one is gone");
            Assert.DoesNotContain(LabFixture.Json(forgotten, "link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
            Assert.Equal(0, Plugin("CHECK", "pod3", $"/run/netns/{kept}").Exit);
        }
        finally
        {
            Plugin("DEL", "pod3", $"/run/netns/{kept}");
            Tool.Run("ip", ["netns", "del", kept], TimeSpan.FromSeconds(5));
            Tool.Run("ip", ["netns", "del", forgotten], TimeSpan.FromSeconds(5));
        }
    }

    [RootFact("ip")]
    public void Bad_input_gets_the_specs_error_codes_and_leaves_nothing()
    {
        var ns = Netns("cni2");
        try
        {
            var unknownNetwork = Plugin("ADD", "pod2", $"/run/netns/{ns}", network: "no-such-net");
            Assert.Equal((1, 7), (unknownNetwork.Exit, Code(unknownNetwork.Out)));
            Assert.Contains("no-such-net", unknownNetwork.Out);

            var noNamespace = Plugin("ADD", "pod2", $"/run/netns/{lab.Prefix}-missing");
            Assert.Equal((1, 4), (noNamespace.Exit, Code(noNamespace.Out)));
            Assert.Contains("does not exist", noNamespace.Out);
            Assert.False(OnNetwork("pod2"), "nothing half-made");

            var down = Plugin("ADD", "pod2", $"/run/netns/{ns}", socket: $"/run/weft/{lab.Prefix}-nobody.sock");
            Assert.Equal((1, 11), (down.Exit, Code(down.Out)));
            Assert.Contains($"/run/weft/{lab.Prefix}-nobody.sock", down.Out);

            Assert.Equal(0, Plugin("ADD", "pod2", $"/run/netns/{ns}").Exit);
            var again = Plugin("ADD", "pod2", $"/run/netns/{ns}", ifName: "eth1");
            Assert.Equal((1, 100), (again.Exit, Code(again.Out)));
            Assert.Contains("already on network cn", again.Out);
            Assert.Equal(0, Plugin("DEL", "pod2", $"/run/netns/{ns}").Exit);
            Assert.False(OnNetwork("pod2"));
        }
        finally
        {
            Tool.Run("ip", ["netns", "del", ns], TimeSpan.FromSeconds(5));
        }
    }
}
