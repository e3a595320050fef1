// Design note: `weft demo` is the seed guide's scenario run for real, narrated. Every weft step goes through the CLI's
// own parser and handlers in this process (WeftCli.RunAsync) against real weftd agents in a real lab, so what it prints
// is what a user typing the same command would see; nothing is canned. The wire is then observed independently:
// tcpdump in the lab's underlay namespace catches one encapsulated ping, Weft.Wire's codecs take it apart (a pcap reader
// this small is written here rather than pulling a packet library into the CLI) and tshark, if installed, gives its
// one-line verdict. The demo checks its own claims (the VNI on the wire equals inspect's) and always tears its lab
// down, also after a failure or Ctrl+C, unless --keep asks to leave it for exploring.
using Weft.Api;
using Weft.Lab;
using Weft.Linux.Netlink;
using Weft.Wire;

namespace Weft.Cli.Demo;

/// <summary>The narrated demo: lab up, an overlay network, two containers on two hosts, a ping by name, a packet on the wire, lab down.</summary>
internal sealed class DemoScenario(CliContext context, string prefix, int hosts, bool keep, bool docker = false)
{
    public const string Network = "app-overlay";
    public const string ContainerA = "container-a";
    public const string ContainerB = "container-b";
    private static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(10);
    private readonly DemoNarrator _narrator = new(context, prefix);

    /// <summary>Runs the demo; returns the exit code (0, or 1 after a failed step, with the lab torn down either way unless kept).</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var failed = false;
        try
        {
            await IntroAsync();
            if (docker) await new DemoDockerSteps(_narrator, hosts).ScenarioAsync(ct);
            else await ScenarioAsync(ct);
            await CaptureAsync(ct);
            await DiagnoseAsync(ct);
        }
        catch (Exception e) when (e is DemoStepFailedException or CliException or WeftApiException or WeftAgentUnavailableException
                                      or OperationCanceledException or IOException)
        {
            failed = true;
            await context.Err.WriteLineAsync(ct.IsCancellationRequested || e is OperationCanceledException
                ? "Error: demo interrupted: tearing the lab down"
                : $"Error: demo: {e.Message}");
        }
        finally
        {
            failed |= !await FinishAsync(failed);
        }
        return failed ? 1 : 0;
    }

    private async Task IntroAsync()
    {
        await _narrator.SayAsync(docker
            ? $"Weft demo with Docker: a lab of {hosts} hosts, each with a real dockerd; two Docker containers on two of them share one Weft network and ping each other by name."
            : $"Weft demo: a lab of {hosts} hosts; two containers on two of them share one overlay network and ping each other by name.");
        await _narrator.SayAsync("Every command below is real: it runs against weftd agents in simulated hosts, and its output is printed as is.");
        if (prefix != LabNames.DefaultPrefix)
        {
            await _narrator.SayAsync($"(Lab prefix '{prefix}': the weft commands below run with WEFT_LAB_PREFIX={prefix}.)");
        }
    }

    private async Task ScenarioAsync(CancellationToken ct)
    {
        await _narrator.StepAsync($"{hosts} hosts on one machine",
            $"Each host is a network namespace with one interface, eth0, on a shared 'physical' network 198.51.100.0/24",
            $"(the underlay: a bridge in namespace {LabNames.NetNamespace(prefix)}). weftd, Weft's agent, runs in each host;",
            "h1 becomes the cluster manager and the others join it with a token. No swarm, no etcd.");
        await _narrator.WeftAsync(ct, "lab", "up", "--hosts", $"{hosts}");

        await _narrator.StepAsync("An overlay network",
            "Docker's command, unchanged. The network is cluster-wide: it gets a subnet from 10.0.0.0/8 and a VNI, the 24-bit",
            "VXLAN Network Identifier that keeps its traffic apart from every other network's on the same wire.");
        await _narrator.WeftAsync(ct, "-H", "h1", "network", "create", "--driver", "overlay", Network);

        await _narrator.StepAsync("Which driver?", "As with Docker, inspect takes a Go template. The driver is overlay: VXLAN (RFC 7348).");
        await _narrator.WeftAsync(ct, "-H", "h1", "network", "inspect", Network, "--format", "{{.Driver}}");

        await _narrator.StepAsync("Its VNI and MTU",
            "Weft also shows the VNI every packet of this network will carry, and the MTU its containers get: the underlay's",
            $"{UnderlayMtu()} (h1's {LabNames.HostInterface}) minus the 50 bytes VXLAN adds (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14),",
            "so nothing fragments.");
        await _narrator.WeftAsync(ct, "-H", "h1", "network", "inspect", Network, "--format",
            "VNI {{.Vni}}, MTU {{.Mtu}}, subnet {{range .IPAM.Config}}{{.Subnet}}{{end}}");

        await _narrator.StepAsync("container-a on h1",
            "A Weft container is a network namespace (no image is pulled). weftd gives it eth0 with an address from the subnet,",
            "MAC 02:42:<IPv4>, the MTU and a route, and plugs it into the network's bridge, where the host's VTEP (VXLAN tunnel",
            "endpoint) sits.");
        await _narrator.WeftAsync(ct, "-H", "h1", "run", "-d", "--name", ContainerA, "--network", Network);

        await _narrator.StepAsync("container-b on h2",
            "Another host. Each agent's reconciler learns from the cluster store where every container of the network lives",
            "(its MAC and IP behind which host's underlay address) and programs its VTEP with it.");
        await _narrator.WeftAsync(ct, "-H", "h2", "run", "-d", "--name", ContainerB, "--network", Network);
        var startedB = DateTime.UtcNow;
        await _narrator.SayAsync("The agents plumb containers in the background; the demo waits (quietly retrying a one-packet ping");
        await _narrator.SayAsync("from container-a to container-b) until both are plumbed and known on both hosts:");
        var waited = await WaitUntilReachableAsync(startedB, ct);
        await _narrator.SayAsync($"({ContainerB} resolved and answered {waited.TotalSeconds:0.0} s after 'weft run' returned)");

        var paths = await DemoDataPath.StepAsync(_narrator, ["h1", "h2"], ct);

        await _narrator.StepAsync("What container-a sees",
            "An ordinary Ethernet interface with an address on a plain /24. Nothing about VXLAN, VNIs or hosts.");
        await _narrator.WeftAsync(ct, "-H", "h1", "exec", ContainerA, "ip", "-4", "addr", "show", "eth0");

        await _narrator.StepAsync("Names",
            "The container's resolv.conf points at 127.0.0.11, where weftd answers the names of the containers on its networks",
            "(h1's agent learnt container-b's name and address from the cluster store):");
        await _narrator.WeftAsync(ct, "-H", "h1", "exec", ContainerA, "getent", "hosts", ContainerB);

        await _narrator.StepAsync("Ping by name, across hosts", [.. DemoDataPath.PingExplanation("h1", paths["h1"], "h2", paths["h2"])]);
        await _narrator.WeftAsync(ct, "-H", "h1", "exec", ContainerA, "ping", "-c", "3", ContainerB);
    }

    /// <summary>The MTU of h1's underlay interface, read over rtnetlink in its namespace (what weftd reads there too).</summary>
    private int UnderlayMtu()
    {
        using var netlink = RtNetlink.Open(LabNames.HostNamespace(prefix, 1));
        return netlink.FindLink(LabNames.HostInterface)?.Mtu
               ?? throw new DemoStepFailedException($"{LabNames.HostNamespace(prefix, 1)} has no {LabNames.HostInterface}");
    }

    /// <summary>Polls (quietly) until container-a resolves and reaches container-b; returns how long after its start that was.</summary>
    private async Task<TimeSpan> WaitUntilReachableAsync(DateTime started, CancellationToken ct)
    {
        while (true)
        {
            var (code, _, _) = await _narrator.RunQuietlyAsync(ct, "-H", "h1", "exec", ContainerA, "ping", "-c", "1", "-W", "1", ContainerB);
            if (code == 0)
            {
                return DateTime.UtcNow - started;
            }
            if (DateTime.UtcNow - started > ReachTimeout)
            {
                throw new DemoStepFailedException($"{ContainerA} on h1 still cannot reach {ContainerB} by name {ReachTimeout.TotalSeconds} s after it started");
            }
            await Task.Delay(100, ct);
        }
    }

    private async Task CaptureAsync(CancellationToken ct)
    {
        await _narrator.StepAsync("On the wire",
            "tcpdump on the underlay bridge catches one of container-a's echo requests on its way from h1 to h2,",
            "and Weft's own codecs (Weft.Wire) take it apart: the container's frame rides inside UDP between the hosts.");
        var directory = Directory.CreateTempSubdirectory("weft-demo-");
        try
        {
            var pcap = Path.Combine(directory.FullName, "underlay.pcap");
            var net = LabNames.NetNamespace(prefix);
            var bridge = LabNames.Bridge(prefix);
            await _narrator.ShowCommandAsync(UnderlayCapture.CommandLine(net, bridge, pcap));
            using (var capture = await UnderlayCapture.StartAsync(net, bridge, pcap, ct))
            {
                if (docker) await new DemoDockerSteps(_narrator, hosts).PingOnceAsync(ct);
                else await _narrator.WeftAsync(ct, "-H", "h1", "exec", ContainerA, "ping", "-c", "1", ContainerB);
                if (!await capture.WaitForFrameAsync(CaptureTimeout, ct))
                {
                    throw new DemoStepFailedException($"tcpdump saw no VXLAN echo request on {bridge} within {CaptureTimeout.TotalSeconds} s");
                }
            }
            var frames = PcapFile.ReadFrames(await File.ReadAllBytesAsync(pcap, ct), out var problem);
            if (frames.Count == 0)
            {
                throw new DemoStepFailedException($"the capture {pcap} holds no frame{(problem is null ? "" : $" ({problem})")}");
            }
            if (!VxlanPacket.TryDecode(frames[0], out var packet, out var why))
            {
                throw new DemoStepFailedException($"the captured frame is not what Weft sends: {why}");
            }
            using var client = new WeftApiClient(AgentAddress.LabSocketPath(prefix, "h1"));
            var network = await client.InspectNetworkAsync(Network, ct);
            await _narrator.SayAsync($"1 frame, {packet!.Length} bytes on the underlay:");
            foreach (var line in PacketExplainer.Lines(packet, network, hosts))
            {
                await _narrator.SayAsync(line);
            }
            await _narrator.SayAsync($"The {packet.Overhead} bytes between the outer IPv4 header and the container's IPv4 packet are the overhead the MTU makes room for.");
            if (packet.Vxlan.Vni != (uint)network.Vni)
            {
                throw new DemoStepFailedException($"the VNI on the wire ({packet.Vxlan.Vni}) is not {Network}'s VNI {network.Vni}");
            }
            await TsharkAsync(pcap, ct);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task DiagnoseAsync(CancellationToken ct)
    {
        await _narrator.StepAsync("When the physical network gets in the way",
            "A firewall that drops UDP 4789 or an underlay link with a smaller MTU breaks an overlay while the hosts still ping each other.",
            "diagnose probes each link with VXLAN on the network's own VNI, UDP port and sizes, small and full-size, on either data path,",
            "and names the broken ones with the fix:");
        await _narrator.WeftAsync(ct, "-H", "h1", "network", "diagnose", Network);
    }

    private async Task TsharkAsync(string pcap, CancellationToken ct)
    {
        string[] command = ["tshark", "-r", pcap, "-d", $"udp.port=={VxlanHeader.DefaultPort},vxlan"];
        if (ExternalTool.Find("tshark") is null)
        {
            await _narrator.SayAsync("(tshark is not installed, so Wireshark's independent opinion is skipped: scripts/setup-system installs it.)");
            return;
        }
        await _narrator.SayAsync("Wireshark's dissector, independently of Weft, sees the ping inside, and the same VNI and addresses (outer,inner):");
        await ShowToolAsync(command, ct);
        await ShowToolAsync([.. command, "-T", "fields", "-E", "header=y", "-e", "vxlan.vni", "-e", "ip.src", "-e", "ip.dst"], ct);
    }

    private async Task ShowToolAsync(string[] command, CancellationToken ct)
    {
        await _narrator.ShowCommandAsync(command);
        var (code, output, error) = await ExternalTool.RunAsync(command[0], command[1..], TimeSpan.FromSeconds(30), ct);
        await _narrator.SayAsync(code == 0 ? output.TrimEnd() : $"({command[0]} failed with exit code {code}: {error.Trim()})");
    }

    /// <summary>Tears the lab down (or explains how to explore the kept one); false if tearing down failed.</summary>
    private async Task<bool> FinishAsync(bool failed)
    {
        if (keep)
        {
            await KeptAsync();
            return true;
        }
        var processes = docker ? "every dockerd (with its containers) and every weftd" : "every weftd";
        await _narrator.StepAsync("Clean up", failed
            ? $"The demo did not finish; the lab goes anyway: {processes} stopped by its PID, every namespace removed."
            : $"{char.ToUpperInvariant(processes[0])}{processes[1..]} stopped by its PID, every namespace of the lab removed; nothing is left behind.");
        try
        {
            await _narrator.WeftAsync(CancellationToken.None, "lab", "down");
            return true;
        }
        catch (DemoStepFailedException e)
        {
            await context.Err.WriteLineAsync($"Error: demo: {e.Message}");
            return false;
        }
    }

    private async Task KeptAsync()
    {
        var weft = prefix == LabNames.DefaultPrefix ? "./weft" : $"WEFT_LAB_PREFIX={prefix} ./weft";
        await _narrator.StepAsync("The lab is still up (--keep)", "Explore it:");
        (string Command, string Comment)[] hints =
        [
            ($"{weft} -H h1 exec {ContainerA} ping -c 3 {ContainerB}", "any command, inside the container"),
            ($"{weft} -H h2 exec {ContainerB} ip addr", "container-b lives on h2"),
            ($"{weft} -H h1 network inspect {Network}", "VNI, MTU, peers, containers, data path"),
            ($"{weft} -H h1 info", "each network's data path on h1, its packets and drops"),
            ($"{weft} -H h1 ps", "containers of the cluster"),
            ("ip netns list", $"{LabNames.NetNamespace(prefix)} is the wire, {LabNames.HostNamespace(prefix, 1)}.. the hosts"),
            ($"ip netns exec {LabNames.NetNamespace(prefix)} tcpdump -ni {LabNames.Bridge(prefix)} udp port {VxlanHeader.DefaultPort}", "watch the VXLAN traffic"),
            ($"{weft} lab down", "when you are done"),
        ];
        var width = hints.Max(h => h.Command.Length);
        foreach (var (command, comment) in hints)
        {
            await _narrator.SayAsync($"  {command.PadRight(width)}   # {comment}");
        }
    }
}
