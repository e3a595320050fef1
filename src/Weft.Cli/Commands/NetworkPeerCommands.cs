using System.CommandLine;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Cli.Commands;

/// <summary>
/// Weft's <c>weft network peer add|rm NETWORK IP</c>: external VTEPs (a Linux vxlan device, Open vSwitch, a hardware switch)
/// that take part in a network without being Weft hosts. Each prints the network's external peers afterwards.
/// </summary>
internal static class NetworkPeerCommands
{
    public static Command Create(CliContext context)
    {
        var peer = new Command("peer", "Manage a network's external VTEP peers (VTEPs that are not Weft hosts)");
        peer.Subcommands.Add(Change(context, "add", "Add an external VTEP as a peer of a network",
            (client, network, address, ct) => client.AddNetworkPeerAsync(network, address, ct)));
        var rm = Change(context, "rm", "Remove an external VTEP peer from a network",
            (client, network, address, ct) => client.RemoveNetworkPeerAsync(network, address, ct));
        rm.Aliases.Add("remove");
        peer.Subcommands.Add(rm);
        return peer;
    }

    /// <summary>"n1: external peers 198.51.100.50, 198.51.100.51", or "n1: no external peers".</summary>
    public static string Describe(NetworkInspect network) =>
        network.ExternalPeers.Count == 0
            ? $"{network.Name}: no external peers"
            : $"{network.Name}: external peers {string.Join(", ", network.ExternalPeers)}";

    private static Command Change(CliContext context, string verb, string description,
        Func<WeftApiClient, string, string, CancellationToken, Task<NetworkInspect>> change)
    {
        var network = new Argument<string>("NETWORK") { Description = "Name or ID of the network" };
        var address = new Argument<string>("IP") { Description = "Underlay IPv4 address of the VTEP" };
        var command = new Command(verb, description) { network, address };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var changed = await change(client, parse.GetValue(network)!, parse.GetValue(address)!, ct);
            await context.Out.WriteLineAsync(Describe(changed));
            return 0;
        });
        return command;
    }
}
