namespace Weft.Cli.Demo;

/// <summary>
/// The scenario of <c>weft demo --docker</c>: the seed guide's steps typed as Docker commands against real dockerds in
/// the lab (one per host, Weft's plugin in each), with their real output. Weft's own commands appear only to show what
/// Docker cannot: where the containers run and what their addresses are cluster-wide.
/// </summary>
internal sealed class DemoDockerSteps(DemoNarrator narrator, int hosts)
{
    public async Task ScenarioAsync(CancellationToken ct)
    {
        await narrator.StepAsync($"{hosts} hosts, each with weftd and a real dockerd",
            "Each host is a network namespace on a shared 'physical' network 198.51.100.0/24 with Weft's agent, weftd, and",
            "Debian's dockerd 20.10 (its own data root, socket and plugin directory). weftd serves Docker's network and IPAM",
            "plugin API there, under the driver name 'weft'. 'h1$ docker …' below is a shell set up with eval \"$(weft lab env h1)\".");
        await narrator.WeftAsync(ct, "lab", "up", "--hosts", $"{hosts}", "--docker");

        await narrator.StepAsync("An overlay network, made with Docker's command",
            "Created once, on h1. --ipam-driver weft gives addresses from Weft's cluster-wide IPAM: Docker's default IPAM is",
            "per daemon and would give containers on two hosts the same address. weftd makes the same network on every",
            "other host's dockerd, so nothing more is typed there.");
        await narrator.DockerAsync(ct, 1, "network", "create", "-d", "weft", "--ipam-driver", "weft", DemoScenario.Network);
        await WaitAsync(ct, "h2's dockerd to list app-overlay", async () =>
            (await narrator.DockerQuietlyAsync(ct, 2, "network", "inspect", DemoScenario.Network)).ExitCode == 0);

        await narrator.StepAsync("Which driver?", "Docker's inspect, on another host:");
        await narrator.DockerAsync(ct, 2, "network", "inspect", DemoScenario.Network, "--format", "{{.Driver}}");
        await narrator.SayAsync("Weft's view of the same network: its VNI, MTU and subnet.");
        await narrator.WeftAsync(ct, "-H", "h1", "network", "inspect", DemoScenario.Network, "--format",
            "VNI {{.Vni}}, MTU {{.Mtu}}, subnet {{range .IPAM.Config}}{{.Subnet}}{{end}}");

        await narrator.StepAsync("container-a on h1, container-b on h2",
            "Plain docker run. At the join, weftd hands dockerd a veth whose other end is on the network's bridge, with the",
            "MAC 02:42:<IPv4>, the overlay MTU and the gateway; dockerd moves it into the container as eth0.");
        await narrator.DockerAsync(ct, 1, "run", "-d", "--name", DemoScenario.ContainerA, "--network", DemoScenario.Network, "busybox", "sleep", "3600");
        await narrator.DockerAsync(ct, 2, "run", "-d", "--name", DemoScenario.ContainerB, "--network", DemoScenario.Network, "busybox", "sleep", "3600");
        await WaitAsync(ct, "container-a to reach container-b", async () =>
            (await narrator.DockerQuietlyAsync(ct, 1, "exec", DemoScenario.ContainerA, "ping", "-c", "1", "-W", "1", DemoScenario.ContainerB)).ExitCode == 0);
        await narrator.SayAsync("Weft lists both, with the host each runs on:");
        await narrator.WeftAsync(ct, "-H", "h1", "ps");

        await DemoDataPath.StepAsync(narrator, ["h1", "h2"], ct);

        await narrator.StepAsync("What container-a sees", "An ordinary eth0 on a plain /24; nothing about VXLAN.");
        await narrator.DockerAsync(ct, 1, "exec", DemoScenario.ContainerA, "ip", "-4", "addr", "show", "eth0");

        await narrator.StepAsync("Ping by name, across hosts and daemons",
            "h1's dockerd knows no container-b: its embedded DNS forwards the name to the resolver dockerd is configured with,",
            "which is weftd's, answering every container of the networks this host's containers are on.");
        await narrator.DockerAsync(ct, 1, "exec", DemoScenario.ContainerA, "ping", "-c", "3", DemoScenario.ContainerB);
    }

    /// <summary>The command the capture step runs while tcpdump listens.</summary>
    public Task PingOnceAsync(CancellationToken ct) =>
        narrator.DockerAsync(ct, 1, "exec", DemoScenario.ContainerA, "ping", "-c", "1", DemoScenario.ContainerB);

    private static async Task WaitAsync(CancellationToken ct, string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new DemoStepFailedException($"waited 20 s for {what}");
            await Task.Delay(100, ct);
        }
    }
}
