using System.CommandLine;
using Weft.Api.Dto;
using Weft.Cli.Output;
using Weft.Templates;

namespace Weft.Cli.Commands;

/// <summary>
/// <c>weft network create|ls|inspect|rm|connect|disconnect</c>, flags as docker's; and Weft's <c>rotate-key</c>,
/// <c>diagnose</c> and <c>peer</c> (<see cref="NetworkPeerCommands"/>).
/// </summary>
internal static class NetworkCommands
{
    public static readonly string[] SupportedDrivers = ["overlay"];

    public static Command Create(CliContext context)
    {
        var network = new Command("network", "Manage overlay networks");
        network.Subcommands.Add(CreateCommand(context));
        network.Subcommands.Add(Ls(context));
        network.Subcommands.Add(Inspect(context));
        network.Subcommands.Add(Rm(context));
        network.Subcommands.Add(Connect(context));
        network.Subcommands.Add(Disconnect(context));
        network.Subcommands.Add(RotateKey(context));
        network.Subcommands.Add(Diagnose(context));
        network.Subcommands.Add(NetworkPeerCommands.Create(context));
        return network;
    }

    private static Command CreateCommand(CliContext context)
    {
        var name = new Argument<string>("NETWORK") { Description = "Network name" };
        var driver = new Option<string>("--driver", "-d") { Description = "Driver (overlay)", DefaultValueFactory = _ => "overlay" };
        var subnet = new Option<string[]>("--subnet") { Description = "Subnet in CIDR form, e.g. 10.1.0.0/24" };
        var gateway = new Option<string[]>("--gateway") { Description = "Gateway for the subnet" };
        var ipRange = new Option<string[]>("--ip-range") { Description = "Allocate container addresses from this sub-range" };
        var auxAddress = new Option<string[]>("--aux-address") { Description = "Auxiliary address NAME=IP of the subnet, kept from containers (repeatable)" };
        var opt = new Option<string[]>("--opt", "-o")
        {
            Description = "Driver option k=v (encrypted, encryption-rotation=DURATION, vni=N, mtu=N, peers=IP[,IP…] of external VTEPs)",
        };
        var label = new Option<string[]>("--label") { Description = "Label k=v" };
        var isInternal = new Option<bool>("--internal") { Description = "Restrict external access to the network" };
        var attachable = new Option<bool>("--attachable") { Description = "Allow manual container attachment" };
        var command = new Command("create", "Create a network") { name, driver, subnet, gateway, ipRange, auxAddress, opt, label, isInternal, attachable };
        context.Handle(command, async (parse, ct) =>
        {
            var driverName = parse.GetValue(driver)!;
            if (!SupportedDrivers.Contains(driverName, StringComparer.Ordinal))
            {
                throw new CliException($"driver \"{driverName}\" is not supported: Weft supports {string.Join(", ", SupportedDrivers)} (use --driver overlay)");
            }
            var request = new NetworkCreateRequest
            {
                Name = parse.GetValue(name)!,
                Driver = driverName,
                Internal = parse.GetValue(isInternal),
                Attachable = parse.GetValue(attachable),
                IPAM = Ipam(parse.GetValue(subnet) ?? [], parse.GetValue(gateway) ?? [], parse.GetValue(ipRange) ?? [],
                    KeyValues.ParseNamed(parse.GetValue(auxAddress), "--aux-address", "router=10.1.0.2")),
                Options = KeyValues.Parse(parse.GetValue(opt), "--opt"),
                Labels = KeyValues.Parse(parse.GetValue(label), "--label"),
            };
            using var client = context.Client(parse);
            var created = await client.CreateNetworkAsync(request, ct);
            await context.Out.WriteLineAsync(created.Id);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Docker pairs each --gateway / --ip-range with the --subnet containing it; a Weft network has exactly one subnet (the
    /// API refuses more), so this takes one --subnet with at most one --gateway and --ip-range, and says so otherwise.
    /// Auxiliary addresses belong to the subnet too (the agent checks they lie inside it).
    /// </summary>
    private static IpamInfo? Ipam(string[] subnets, string[] gateways, string[] ranges, Dictionary<string, string> auxAddresses)
    {
        if (subnets.Length > 1)
        {
            throw new CliException($"a Weft network has one subnet, but {subnets.Length} --subnet were given ({string.Join(", ", subnets)}): create one network per subnet");
        }
        foreach (var (flag, values) in new[] { ("--gateway", gateways), ("--ip-range", ranges) })
        {
            if (values.Length > 1)
            {
                throw new CliException($"{flag} was given {values.Length} times ({string.Join(", ", values)}): a Weft network has one subnet, pass {flag} once");
            }
        }
        if (subnets.Length == 0)
        {
            if (auxAddresses.Count > 0)
            {
                throw new CliException("--aux-address needs a --subnet to belong to; add --subnet CIDR");
            }
            return gateways.Length > 0 || ranges.Length > 0
                ? throw new CliException("--gateway and --ip-range need a --subnet to belong to; add --subnet CIDR")
                : null;
        }
        return new IpamInfo
        {
            Config =
            [
                new IpamConfig
                {
                    Subnet = subnets[0],
                    Gateway = gateways.FirstOrDefault(),
                    IPRange = ranges.FirstOrDefault(),
                    AuxiliaryAddresses = auxAddresses.Count > 0 ? auxAddresses : null,
                },
            ],
        };
    }

    private static Command Ls(CliContext context)
    {
        var format = new Option<string?>("--format") { Description = "Go template, or table TEMPLATE, or json" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display network IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the output" };
        var command = new Command("ls", "List networks") { format, quiet, noTrunc };
        command.Aliases.Add("list");
        context.Handle(command, async (parse, ct) =>
        {
            var template = parse.GetValue(format);
            DockerFormat.Parse(string.IsNullOrEmpty(template) ? ListRows.NetworkLsDefault : template);
            using var client = context.Client(parse);
            var networks = await client.ListNetworksAsync(ct);
            var rows = networks.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => ListRows.Network(n, parse.GetValue(noTrunc))).ToList();
            await Printer.ListAsync(context.Out, rows, template, parse.GetValue(quiet), ListRows.NetworkLsDefault, DockerHeaders.NetworkLs);
            return 0;
        });
        return command;
    }

    private static Command Inspect(CliContext context) =>
        InspectCommand.Create(context, "Display detailed information on one or more networks", "NETWORK", "Network names or IDs",
            async (client, name, ct) => ListRows.ToElement(await client.InspectNetworkAsync(name, ct)));

    private static Command Rm(CliContext context)
    {
        var names = new Argument<string[]>("NETWORK") { Description = "Network names or IDs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove one or more networks") { names };
        command.Aliases.Add("remove");
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var status = 0;
            foreach (var name in parse.GetValue(names)!)
            {
                try
                {
                    await client.RemoveNetworkAsync(name, ct);
                    await context.Out.WriteLineAsync(name);
                }
                catch (Api.WeftApiException e)
                {
                    await context.Err.WriteLineAsync($"Error: {e.Message}");
                    status = 1;
                }
            }
            return status;
        });
        return command;
    }

    /// <summary>Weft: a new key for an encrypted network now; hosts seal with it after a short delay, the old one is accepted a while longer.</summary>
    private static Command Diagnose(CliContext context)
    {
        var name = new Argument<string>("NETWORK") { Description = "Name or ID of the network" };
        var format = new Option<string?>("--format", "-f") { Description = "Go template applied to each host's diagnosis (e.g. '{{json .}}')" };
        var all = new Option<bool>("--all", "-a") { Description = "Every host with a container on the network probes its own links (the whole mesh), not only the host -H names" };
        var command = new Command("diagnose",
            "Probe the overlay links from this host to every other host of a network: names links the underlay blocks (firewall) or whose MTU is too small; exit 1 when one is broken")
            { name, format, all };
        context.Handle(command, async (parse, ct) =>
        {
            var template = parse.GetValue(format);
            if (!string.IsNullOrEmpty(template)) GoTemplate.Parse(template);
            using var client = context.Client(parse);
            var diagnoses = parse.GetValue(all)
                ? await client.DiagnoseNetworkEverywhereAsync(parse.GetValue(name)!, ct)
                : [await client.DiagnoseNetworkAsync(parse.GetValue(name)!, ct)];
            if (!string.IsNullOrEmpty(template))
            {
                await Printer.InspectAsync(context.Out, diagnoses.Select(ListRows.ToElement).ToList(), template);
            }
            else
            {
                for (var i = 0; i < diagnoses.Count; i++)
                {
                    if (i > 0) await context.Out.WriteLineAsync();
                    await DiagnosisReport.WriteAsync(context.Out, diagnoses[i]);
                }
            }
            return diagnoses.All(d => d.Healthy) ? 0 : 1;
        });
        return command;
    }

    private static Command RotateKey(CliContext context)
    {
        var name = new Argument<string>("NETWORK") { Description = "Name or ID of an encrypted network" };
        var command = new Command("rotate-key", "Rotate the encryption key of an encrypted network now") { name };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var network = await client.RotateNetworkKeyAsync(parse.GetValue(name)!, ct);
            await context.Out.WriteLineAsync(network.Name);
            return 0;
        });
        return command;
    }

    private static Command Connect(CliContext context)
    {
        var network = new Argument<string>("NETWORK");
        var container = new Argument<string>("CONTAINER");
        var ip = new Option<string?>("--ip") { Description = "IPv4 address for the container on this network" };
        var command = new Command("connect", "Connect a container to a network") { network, container, ip };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var address = parse.GetValue(ip);
            await client.ConnectNetworkAsync(parse.GetValue(network)!, new NetworkConnectRequest
            {
                Container = parse.GetValue(container)!,
                EndpointConfig = address is null ? null : new EndpointSettings { IPAMConfig = new EndpointIpamConfig { IPv4Address = address } },
            }, ct);
            return 0;
        });
        return command;
    }

    private static Command Disconnect(CliContext context)
    {
        var network = new Argument<string>("NETWORK");
        var container = new Argument<string>("CONTAINER");
        var force = new Option<bool>("--force", "-f") { Description = "Force the container to disconnect" };
        var command = new Command("disconnect", "Disconnect a container from a network") { network, container, force };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            await client.DisconnectNetworkAsync(parse.GetValue(network)!,
                new NetworkDisconnectRequest { Container = parse.GetValue(container)!, Force = parse.GetValue(force) }, ct);
            return 0;
        });
        return command;
    }
}
