using System.CommandLine;
using Spectre.Console;
using Weft.Cli.Lab;
using Weft.Lab;
using Weft.Linux;

namespace Weft.Cli.Commands;

/// <summary>
/// <c>weft lab up|down|status</c>: simulated hosts as network namespaces on this machine (Weft.Lab's LabTopology),
/// named by <c>--lab-prefix</c> / <c>WEFT_LAB_PREFIX</c>, with one weftd per host (LabAgents). Needs root.
/// </summary>
internal static class LabCommands
{
    public static Command Create(CliContext context)
    {
        var lab = new Command("lab", "Simulated hosts on this machine (network namespaces; needs root)");
        lab.Subcommands.Add(Up(context));
        lab.Subcommands.Add(Down(context));
        lab.Subcommands.Add(Status(context));
        return lab;
    }

    private static Command Up(CliContext context)
    {
        var hosts = new Option<int>("--hosts") { Description = "Number of simulated hosts", DefaultValueFactory = _ => 2 };
        var noAgents = new Option<bool>("--no-agents") { Description = "Only the namespaces: start no weftd in the hosts" };
        var command = new Command("up", "Create the lab (or repair it), start weftd in every host and form the cluster") { hosts, noAgents };
        HandleLab(context, command, async (parse, ct) =>
        {
            var prefix = context.LabPrefixValue(parse);
            var count = parse.GetValue(hosts);
            if (count is < 1 or > LabNames.MaxHosts)
            {
                throw new CliException($"--hosts {count}: a lab has 1..{LabNames.MaxHosts} hosts");
            }
            var result = LabTopology.Up(prefix, count);
            IReadOnlyList<string> agents = parse.GetValue(noAgents) ? [] : await LabAgents.UpAsync(prefix, count, ct, context.Environment("WEFT_OFFLOADS"));
            foreach (var change in result.Changes.Concat(agents))
            {
                await context.Out.WriteLineAsync(change);
            }
            await context.Out.WriteLineAsync(result.AlreadyUp && agents.Count == 0
                ? $"lab '{prefix}' is already up with {count} hosts"
                : $"lab '{prefix}' is up with {count} hosts (underlay 198.51.100.0/24 in namespace {LabNames.NetNamespace(prefix)})");
            return 0;
        });
        return command;
    }

    private static Command Down(CliContext context)
    {
        var command = new Command("down", "Remove every namespace of the lab");
        HandleLab(context, command, async (parse, _) =>
        {
            var prefix = context.LabPrefixValue(parse);
            foreach (var stopped in LabAgents.Down(prefix))
            {
                await context.Out.WriteLineAsync(stopped);
            }
            await context.Out.WriteLineAsync(LabTopology.Down(prefix).Message);
            return 0;
        });
        return command;
    }

    private static Command Status(CliContext context)
    {
        var command = new Command("status", "Show the lab's hosts and what is wrong with them");
        HandleLab(context, command, async (parse, _) =>
        {
            var prefix = context.LabPrefixValue(parse);
            var status = LabTopology.Status(prefix);
            if (!status.IsUp)
            {
                await context.Out.WriteLineAsync($"lab '{prefix}' is not up: start it with 'weft lab up'");
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("HOST", "NAMESPACE", "UNDERLAY", "SOCKET", "WEFTD", "STATE");
            foreach (var host in status.Hosts)
            {
                table.AddRow($"h{host.Number}", Markup.Escape(host.Namespace), host.Address?.ToString() ?? "-",
                    Markup.Escape(AgentAddress.LabSocketPath(prefix, $"h{host.Number}")),
                    LabAgents.RunningPid(prefix, host.Number) is { } pid ? $"pid {pid}" : "not running", Markup.Escape(host.Problem ?? "ok"));
            }
            Output.Console.For(context.Out).Write(table);
            await context.Out.WriteLineAsync(status.Healthy
                ? $"lab '{prefix}' is healthy"
                : $"lab '{prefix}' is broken: run 'weft lab up' to repair it or 'weft lab down' to remove it");
            return status.Healthy ? 0 : 1;
        });
        return command;
    }

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
