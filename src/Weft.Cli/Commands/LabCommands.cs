using System.CommandLine;
using Spectre.Console;
using Weft.Cli.Lab;
using Weft.Lab;
using Weft.Linux;

namespace Weft.Cli.Commands;

/// <summary>
/// <c>weft lab up|down|status|env</c>: simulated hosts as network namespaces on this machine (Weft.Lab's LabTopology),
/// named by their own <c>--prefix</c>, else the global <c>--lab-prefix</c> / <c>WEFT_LAB_PREFIX</c>, with one weftd per host
/// (LabAgents) and, with <c>--docker</c>, one dockerd per host (LabDocker). Needs root.
/// </summary>
internal static class LabCommands
{
    public static Command Create(CliContext context)
    {
        var lab = new Command("lab", "Simulated hosts on this machine (network namespaces; needs root)");
        lab.Subcommands.Add(Up(context));
        lab.Subcommands.Add(Down(context));
        lab.Subcommands.Add(Status(context));
        lab.Subcommands.Add(Env(context));
        return lab;
    }

    private static Command Up(CliContext context)
    {
        var hosts = new Option<int>("--hosts") { Description = "Number of simulated hosts", DefaultValueFactory = _ => 2 };
        var noAgents = new Option<bool>("--no-agents") { Description = "Only the namespaces: start no weftd in the hosts" };
        var docker = new Option<bool>("--docker") { Description = "Also start a real dockerd in every host, with a busybox image (see 'weft lab env')" };
        var containerd = new Option<bool>("--containerd")
        {
            Description = "Also start a containerd of its own in every host, with a busybox image and a ctr wrapper for 'ctr run --cni' (see 'weft lab env' and 'weft cni install')",
        };
        var podman = new Option<bool>("--podman")
        {
            Description = "Also give every host a podman of its own (CNI backend, its own config, storage and CNI directories, a busybox image; see 'weft lab env' and 'weft cni install')",
        };
        var dataPath = new Option<string?>("--data-path")
        {
            Description = "weftd's --data-path for the agents this starts: auto, kernel, userspace or off, or one per host separated by commas "
                + "(h1's first; the last one holds for the hosts after it), e.g. kernel,userspace",
        };
        var prefix = PrefixOption();
        var command = new Command("up", "Create the lab (or repair it), start weftd in every host and form the cluster") { hosts, noAgents, docker, podman, containerd, dataPath, prefix };
        HandleLab(context, command, async (parse, ct) =>
        {
            var name = Prefix(context, parse, prefix);
            var count = parse.GetValue(hosts);
            if (count is < 1 or > LabNames.MaxHosts)
            {
                throw new CliException($"--hosts {count}: a lab has 1..{LabNames.MaxHosts} hosts");
            }
            if (parse.GetValue(docker) && parse.GetValue(noAgents))
            {
                throw new CliException("--docker needs the agents (dockerd finds weftd's plugin only if it listens before dockerd starts): drop --no-agents");
            }
            var modes = LabDataPaths.Parse(parse.GetValue(dataPath));
            var result = LabTopology.Up(name, count);
            IReadOnlyList<string> processes = parse.GetValue(noAgents) ? [] : await LabAgents.UpAsync(name, count, ct, context.Environment("WEFT_OFFLOADS"), modes);
            if (parse.GetValue(docker))
            {
                processes = [.. processes, .. await LabDocker.UpAsync(name, count, ct)];
            }
            if (parse.GetValue(podman))
            {
                processes = [.. processes, .. await LabPodman.UpAsync(name, count, ct)];
            }
            if (parse.GetValue(containerd))
            {
                processes = [.. processes, .. await LabContainerd.UpAsync(name, count, ct)];
            }
            foreach (var change in result.Changes.Concat(processes))
            {
                await context.Out.WriteLineAsync(change);
            }
            await context.Out.WriteLineAsync(result.AlreadyUp && processes.Count == 0
                ? $"lab '{name}' is already up with {count} hosts"
                : $"lab '{name}' is up with {count} hosts (underlay 198.51.100.0/24 in namespace {LabNames.NetNamespace(name)})");
            return 0;
        });
        return command;
    }

    private static Command Down(CliContext context)
    {
        var prefix = PrefixOption();
        var command = new Command("down", "Stop the lab's dockerd and weftd processes and remove every namespace of the lab") { prefix };
        HandleLab(context, command, async (parse, ct) =>
        {
            var name = Prefix(context, parse, prefix);
            // Runtimes first: a stopping dockerd may still call its host's weftd (the plugin), podman's containers go through CNI DEL.
            foreach (var stopped in (await LabPodman.DownAsync(name, ct)).Concat(await LabContainerd.DownAsync(name, ct)).Concat(await LabDocker.DownAsync(name, ct)).Concat(LabAgents.Down(name)))
            {
                await context.Out.WriteLineAsync(stopped);
            }
            await context.Out.WriteLineAsync(LabTopology.Down(name).Message);
            return 0;
        });
        return command;
    }

    private static Command Status(CliContext context)
    {
        var prefix = PrefixOption();
        var command = new Command("status", "Show the lab's hosts and what is wrong with them") { prefix };
        HandleLab(context, command, async (parse, ct) =>
        {
            var name = Prefix(context, parse, prefix);
            var status = LabTopology.Status(name);
            if (!status.IsUp)
            {
                await context.Out.WriteLineAsync($"lab '{name}' is not up: start it with 'weft lab up --prefix {name}'");
                return 0;
            }
            var dockerds = LabDocker.Find(name).ToDictionary(d => d.Host);
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("HOST", "NAMESPACE", "UNDERLAY", "SOCKET", "WEFTD", "STATE");
            if (dockerds.Count > 0)
            {
                table.AddColumn("DOCKERD");
            }
            var agentsHealthy = true;
            foreach (var host in status.Hosts)
            {
                var agent = await LabAgentCheck.FindAsync(name, host.Number, ct);
                agentsHealthy &= agent.State is LabAgentState.Running or LabAgentState.NotStarted;
                string[] row = [$"h{host.Number}", Markup.Escape(host.Namespace), host.Address?.ToString() ?? "-",
                    Markup.Escape(AgentAddress.LabSocketPath(name, $"h{host.Number}")), Markup.Escape(agent.Describe()), Markup.Escape(host.Problem ?? "ok")];
                table.AddRow(dockerds.Count == 0 ? row : [.. row, Markup.Escape(dockerds.GetValueOrDefault(host.Number)?.Describe() ?? "not started")]);
            }
            Output.Console.For(context.Out).Write(table);
            var dockerHealthy = dockerds.Values.All(d => d.State == LabDockerdState.Running);
            var healthy = status.Healthy && agentsHealthy && dockerHealthy;
            await context.Out.WriteLineAsync(healthy
                ? $"lab '{name}' is healthy"
                : $"lab '{name}' is broken: run 'weft lab up --prefix {name}{(dockerds.Count > 0 ? " --docker" : "")}' to repair it or 'weft lab down --prefix {name}' to remove it");
            return healthy ? 0 : 1;
        });
        return command;
    }

    private static Command Env(CliContext context)
    {
        var host = new Argument<string>("HOST") { Description = "The lab host, e.g. h2" };
        var prefix = PrefixOption();
        var command = new Command("env", "Print the exports that make docker, podman, ctr and weft talk to one lab host: eval \"$(weft lab env h2)\"") { host, prefix };
        HandleLab(context, command, async (parse, _) =>
        {
            var name = Prefix(context, parse, prefix);
            var given = parse.GetValue(host)!;
            var status = LabTopology.Status(name);
            if (status.Hosts.FirstOrDefault(h => $"h{h.Number}" == given) is not { } found)
            {
                throw new CliException($"lab '{name}' has no host '{given}'{(status.IsUp ? $"; its hosts are {string.Join(", ", status.Hosts.Select(h => $"h{h.Number}"))}" : $": start it with 'weft lab up --prefix {name}'")}");
            }
            await context.Out.WriteLineAsync($"export DOCKER_HOST={new LabDockerPaths(name, found.Number).DockerHost}");
            await context.Out.WriteLineAsync($"export WEFT_HOST={AgentAddress.LabSocketPath(name, given)}");
            var podmanPaths = new LabPodmanPaths(name, found.Number);
            if (File.Exists(podmanPaths.ContainersConf))
            {
                foreach (var (key, value) in podmanPaths.Environment) await context.Out.WriteLineAsync($"export {key}={value}");
            }
            var containerdPaths = new LabContainerdPaths(name, found.Number);
            if (File.Exists(containerdPaths.Ctr))
            {
                await context.Out.WriteLineAsync($"export CONTAINERD_ADDRESS={containerdPaths.Socket}");
                await context.Out.WriteLineAsync($"export PATH={containerdPaths.WrapperDirectory}:$PATH");
            }
            return 0;
        });
        return command;
    }

    /// <summary><c>--prefix</c> of one lab command; it takes precedence over the global <c>--lab-prefix</c> and <c>WEFT_LAB_PREFIX</c>.</summary>
    private static Option<string?> PrefixOption() => new("--prefix")
    {
        Description = "The lab's name prefix (default: --lab-prefix, env WEFT_LAB_PREFIX, else weft)",
    };

    private static string Prefix(CliContext context, ParseResult parse, Option<string?> prefix) =>
        parse.GetValue(prefix) ?? context.LabPrefixValue(parse);

    // The lab's failures (not root, bad prefix, a namespace that will not go) become one line like every other error.
    private static void HandleLab(CliContext context, Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        context.Handle(command, async (parse, ct) =>
        {
            try
            {
                return await body(parse, ct);
            }
            catch (Exception e) when (e is LinuxException or ArgumentException or IOException)
            {
                throw new CliException($"lab: {e.Message}");
            }
        });
}
