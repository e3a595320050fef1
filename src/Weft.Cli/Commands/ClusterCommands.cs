using System.CommandLine;
using Weft.Api.Dto;
using Weft.Cli.Output;
using Weft.Templates;

namespace Weft.Cli.Commands;

/// <summary><c>weft cluster init|join|leave|nodes</c>.</summary>
internal static class ClusterCommands
{
    public static Command Create(CliContext context)
    {
        var cluster = new Command("cluster", "Manage the cluster of Weft agents");
        cluster.Subcommands.Add(Init(context));
        cluster.Subcommands.Add(Join(context));
        cluster.Subcommands.Add(Leave(context));
        cluster.Subcommands.Add(Nodes(context));
        return cluster;
    }

    private static Command Init(CliContext context)
    {
        var advertise = new Option<string?>("--advertise-addr") { Description = "Address (host:port) other agents reach this manager at" };
        var command = new Command("init", "Make this agent the cluster manager and print a join token") { advertise };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var result = await client.ClusterInitAsync(new ClusterInitRequest { AdvertiseAddr = parse.GetValue(advertise) ?? "" }, ct);
            await context.Out.WriteLineAsync($"Cluster initialized: this node ({result.NodeID}) is now the manager.");
            await context.Out.WriteLineAsync("To add a host to this cluster, run on it:");
            await context.Out.WriteLineAsync($"    weft cluster join --token {result.JoinToken} {result.ManagerAddress}");
            return 0;
        });
        return command;
    }

    private static Command Join(CliContext context)
    {
        var token = new Option<string>("--token") { Description = "Join token printed by cluster init", Required = true };
        var advertise = new Option<string?>("--advertise-addr") { Description = "Address other agents reach this node at" };
        var manager = new Argument<string>("MANAGER") { Description = "The manager's address (host:port)" };
        var command = new Command("join", "Join this agent to a cluster") { token, advertise, manager };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var result = await client.ClusterJoinAsync(new ClusterJoinRequest
            {
                RemoteAddr = parse.GetValue(manager)!,
                JoinToken = parse.GetValue(token)!,
                AdvertiseAddr = parse.GetValue(advertise) ?? "",
            }, ct);
            await context.Out.WriteLineAsync($"This node joined the cluster as {result.NodeID}.");
            return 0;
        });
        return command;
    }

    private static Command Leave(CliContext context)
    {
        var command = new Command("leave", "Leave the cluster");
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            await client.ClusterLeaveAsync(ct);
            await context.Out.WriteLineAsync("Node left the cluster.");
            return 0;
        });
        return command;
    }

    private static Command Nodes(CliContext context)
    {
        var format = new Option<string?>("--format") { Description = "Go template, or table TEMPLATE, or json" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display node IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the output" };
        var command = new Command("nodes", "List the cluster's nodes") { format, quiet, noTrunc };
        context.Handle(command, async (parse, ct) =>
        {
            var template = parse.GetValue(format);
            DockerFormat.Parse(string.IsNullOrEmpty(template) ? ListRows.NodeLsDefault : template);
            using var client = context.Client(parse);
            var nodes = await client.ListNodesAsync(ct);
            var now = DateTimeOffset.UtcNow;
            var rows = nodes.OrderBy(n => n.Hostname, StringComparer.Ordinal).Select(n => ListRows.Node(n, parse.GetValue(noTrunc), now)).ToList();
            await Printer.ListAsync(context.Out, rows, template, parse.GetValue(quiet), ListRows.NodeLsDefault, DockerHeaders.NodeLs);
            return 0;
        });
        return command;
    }
}
