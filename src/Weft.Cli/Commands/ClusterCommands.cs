using System.CommandLine;
using Spectre.Console;
using Weft.Api.Dto;

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
        var command = new Command("nodes", "List the cluster's nodes");
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var nodes = await client.ListNodesAsync(ct);
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("ID", "HOSTNAME", "ADDRESS", "STATUS", "ROLE", "LAST SEEN");
            foreach (var node in nodes.OrderBy(n => n.Hostname, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(Output.ListRows.Short(node.ID)), Markup.Escape(node.Hostname), Markup.Escape(node.Address),
                    Markup.Escape(node.Status), Markup.Escape(node.Role), node.LastSeen is { } seen ? Api.HumanDuration.Format(DateTimeOffset.UtcNow - seen) + " ago" : "-");
            }
            Output.Console.For(context.Out).Write(table);
            return 0;
        });
        return command;
    }
}
