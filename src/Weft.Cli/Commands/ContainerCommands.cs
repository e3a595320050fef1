using System.CommandLine;
using Weft.Api.Dto;
using Weft.Cli.Output;
using Weft.Templates;

namespace Weft.Cli.Commands;

/// <summary><c>weft run|ps|rm|exec|inspect</c>. A Weft container is a network namespace the agent creates and attaches.</summary>
internal static class ContainerCommands
{
    public static Command Run(CliContext context)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run in the background (Weft containers always are; accepted for docker compatibility)" };
        var name = new Option<string>("--name") { Description = "Container name (unique in the cluster)", Required = true };
        var network = new Option<string>("--network", "--net") { Description = "Network to connect the container to", Required = true };
        var ip = new Option<string?>("--ip") { Description = "IPv4 address on the network" };
        var image = new Argument<string[]>("IMAGE") { Description = "Image and command (recorded; Weft containers are network namespaces)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("run", "Create and start a container on a network") { detach, name, network, ip, image };
        context.Handle(command, async (parse, ct) =>
        {
            var networkName = parse.GetValue(network)!;
            var address = parse.GetValue(ip);
            var words = parse.GetValue(image) ?? [];
            var request = new ContainerCreateRequest
            {
                Image = words.Length > 0 ? words[0] : new ContainerCreateRequest().Image,
                Cmd = [.. words.Skip(1)],
                HostConfig = new HostConfig { NetworkMode = networkName },
                NetworkingConfig = new NetworkingConfig
                {
                    EndpointsConfig = new Dictionary<string, EndpointSettings>
                    {
                        [networkName] = new() { IPAMConfig = address is null ? null : new EndpointIpamConfig { IPv4Address = address } },
                    },
                },
            };
            using var client = context.Client(parse);
            var created = await client.CreateContainerAsync(parse.GetValue(name)!, request, ct);
            await context.Out.WriteLineAsync(created.Id);
            return 0;
        });
        return command;
    }

    public static Command Ps(CliContext context)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all containers (Weft containers are always running)" };
        var format = new Option<string?>("--format") { Description = "Go template, or table TEMPLATE, or json" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display container IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the output" };
        var command = new Command("ps", "List containers") { all, format, quiet, noTrunc };
        context.Handle(command, async (parse, ct) =>
        {
            var template = parse.GetValue(format);
            DockerFormat.Parse(string.IsNullOrEmpty(template) ? ListRows.PsDefault : template);
            using var client = context.Client(parse);
            var containers = await client.ListContainersAsync(ct);
            var now = DateTimeOffset.UtcNow;
            var rows = containers.OrderByDescending(c => c.Created).Select(c => ListRows.Container(c, parse.GetValue(noTrunc), now)).ToList();
            await Printer.ListAsync(context.Out, rows, template, parse.GetValue(quiet), ListRows.PsDefault, DockerHeaders.ContainerPs);
            return 0;
        });
        return command;
    }

    public static Command Rm(CliContext context)
    {
        var names = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Remove even if running (Weft containers always are)" };
        var command = new Command("rm", "Remove one or more containers") { names, force };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var status = 0;
            foreach (var name in parse.GetValue(names)!)
            {
                try
                {
                    await client.RemoveContainerAsync(name, parse.GetValue(force), ct);
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

    public static Command Exec(CliContext context)
    {
        var container = new Argument<string>("CONTAINER");
        var cmd = new Argument<string[]>("COMMAND") { Description = "Command and its arguments", Arity = ArgumentArity.OneOrMore };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Accepted for docker compatibility" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Accepted for docker compatibility" };
        var command = new Command("exec", "Run a command in a running container") { interactive, tty, container, cmd };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var result = await client.ExecAsync(parse.GetValue(container)!, new ExecRequest { Cmd = [.. parse.GetValue(cmd)!] }, ct);
            await context.Out.WriteAsync(result.Output);
            return result.ExitCode;
        });
        return command;
    }

    /// <summary><c>weft inspect NAME…</c> like <c>docker inspect</c>: each name as a container, else as a network.</summary>
    public static Command Inspect(CliContext context) =>
        InspectCommand.Create(context, "Display detailed information on containers or networks", "NAME", "Container or network names or IDs",
            async (client, name, ct) => ListRows.ToElement(await client.InspectContainerAsync(name, ct)),
            async (client, name, ct) => ListRows.ToElement(await client.InspectNetworkAsync(name, ct)));
}
