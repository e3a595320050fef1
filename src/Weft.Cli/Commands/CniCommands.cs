using System.CommandLine;
using Weft.Cli.Cni;

namespace Weft.Cli.Commands;

/// <summary>
/// <c>weft cni install|uninstall [--conf-dir DIR] [--bin-dir DIR] NETWORK</c>: puts a Weft network where CNI runtimes (podman's
/// CNI backend, containerd, CRI-O) find it, a conflist naming weft-cni and the weftd socket this CLI talks to, plus the plugin
/// (<see cref="CniInstallation"/>), and takes them away again.
/// </summary>
internal static class CniCommands
{
    public const string DefaultConfDirectory = "/etc/cni/net.d";
    public const string DefaultBinDirectory = "/opt/cni/bin";

    public static Command Create(CliContext context)
    {
        var cni = new Command("cni", "Attach containers of CNI runtimes (podman, containerd, CRI-O) to Weft networks");
        cni.Subcommands.Add(Install(context));
        cni.Subcommands.Add(Uninstall(context));
        return cni;
    }

    private static Command Install(CliContext context)
    {
        var (network, confDir, binDir) = Arguments();
        var plugin = new Option<string?>("--plugin")
        {
            Description = "weft-cni build to install, e.g. artifacts/weft-cni/weft-cni from scripts/publish-cni (default: the one next to weft)",
        };
        var command = new Command("install", "Write a conflist for a Weft network and put the weft-cni plugin where runtimes find it")
        {
            network, confDir, binDir, plugin,
        };
        context.Handle(command, async (parse, ct) =>
        {
            var socket = Path.GetFullPath(context.SocketPath(parse));
            using var client = context.Client(parse);
            // By name or ID; the conflist names the network by its name, as the runtime's containers will see it.
            var name = (await client.InspectNetworkAsync(parse.GetValue(network)!, ct)).Name;
            var source = CniPluginSource.Find(parse.GetValue(plugin), AppContext.BaseDirectory);
            foreach (var line in CniInstallation.Install(name, socket, parse.GetValue(confDir)!, parse.GetValue(binDir)!, source))
            {
                await context.Out.WriteLineAsync(line);
            }
            return 0;
        });
        return command;
    }

    private static Command Uninstall(CliContext context)
    {
        var (network, confDir, binDir) = Arguments();
        var command = new Command("uninstall", "Remove a Weft network's conflist, and the weft-cni plugin once no Weft conflist is left")
        {
            network, confDir, binDir,
        };
        context.Handle(command, async (parse, ct) =>
        {
            // No agent needed: the network may be gone already, and its conflist should go too.
            var name = parse.GetValue(network)!;
            if (name.Contains('/'))
            {
                throw new CliException($"network name '{name}' has a '/', which no network name has: give the name the network was installed under");
            }
            foreach (var line in CniInstallation.Uninstall(name, parse.GetValue(confDir)!, parse.GetValue(binDir)!))
            {
                await context.Out.WriteLineAsync(line);
            }
            return 0;
        });
        return command;
    }

    private static (Argument<string> Network, Option<string> ConfDir, Option<string> BinDir) Arguments() =>
    (
        new Argument<string>("NETWORK") { Description = "Name of the Weft network" },
        new Option<string>("--conf-dir") { Description = "The runtime's CNI configuration directory", DefaultValueFactory = _ => DefaultConfDirectory },
        new Option<string>("--bin-dir") { Description = "The runtime's CNI plugin directory", DefaultValueFactory = _ => DefaultBinDirectory }
    );
}
