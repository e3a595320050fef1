using System.CommandLine;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace Weft.Cli.Commands;

/// <summary><c>weft version</c> and <c>weft info</c>.</summary>
internal static class SystemCommands
{
    public const string ClientVersion = "0.1.0";

    public static Command Version(CliContext context)
    {
        var command = new Command("version", "Show the Weft version information");
        context.Handle(command, async (parse, ct) =>
        {
            var console = Output.Console.For(context.Out);
            console.WriteLine("Client:");
            console.Write(Grid(("Version", ClientVersion), ("OS/Arch", "linux/" + (RuntimeInformation.OSArchitecture == Architecture.X64 ? "amd64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())),
                ("Runtime", RuntimeInformation.FrameworkDescription)));
            using var client = context.Client(parse);
            var server = await client.GetVersionAsync(ct);
            console.WriteLine();
            console.WriteLine($"Server: (unix://{client.SocketPath})");
            console.Write(Grid(("Version", server.Version), ("API version", server.ApiVersion), ("OS/Arch", $"{server.Os}/{server.Arch}"),
                ("Kernel version", server.KernelVersion), ("Runtime", server.Runtime)));
            return 0;
        });
        return command;
    }

    public static Command Info(CliContext context)
    {
        var format = new Option<string?>("--format", "-f") { Description = "Go template applied to the info object (e.g. '{{json .DataPlane}}')" };
        var command = new Command("info", "Display agent, cluster and data-plane information") { format };
        context.Handle(command, async (parse, ct) =>
        {
            using var client = context.Client(parse);
            var info = await client.GetInfoAsync(ct);
            if (parse.GetValue(format) is { Length: > 0 } template)
            {
                await Output.Printer.InspectAsync(context.Out, [Output.ListRows.ToElement(info)], template);
                return 0;
            }
            var console = Output.Console.For(context.Out);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var networkRows = info.DataPlane.Networks.Select(n => ($"  VNI {n.Vni}",
                $"{n.DataPath}: in {n.PacketsIn.ToString(inv)} packets / {n.BytesIn.ToString(inv)} bytes, out {n.PacketsOut.ToString(inv)} / {n.BytesOut.ToString(inv)}, "
                + $"drops {n.Drops.ToString(inv)}{(n.DataPath == "kernel" ? $", refused from non-peers {n.AdmissionDrops.ToString(inv)}" : "")}"
                + (n.LearnedMacs > 0 ? $", {n.LearnedMacs.ToString(inv)} MACs learned behind external peers" : "")));
            console.Write(Grid([
                ("Name", info.Name), ("ID", info.ID), ("Networks", info.Networks.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Containers", info.Containers.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Underlay address", info.UnderlayAddress), ("Socket", info.Socket), ("Data dir", info.DataDir),
                ("Cluster", info.Cluster.LocalNodeState), ("Manager", info.Cluster.ControlAvailable ? "yes (this node)" : info.Cluster.ManagerAddress),
                ("Operating system", info.OperatingSystem), ("Kernel version", info.KernelVersion), ("Architecture", info.Architecture),
                ("CPUs", info.NCPU.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Data path", info.DataPlane.ModeDetail.Length > 0 ? info.DataPlane.ModeDetail : info.DataPlane.Mode),
                .. networkRows,
                ("Offloads", info.DataPlane.Offloads),
                ("VXLAN source ports", info.DataPlane.SourcePorts.Count == 0 ? "" : $"{info.DataPlane.SourcePorts.Count} ({info.DataPlane.SourcePorts.Min()}..{info.DataPlane.SourcePorts.Max()}, one per inner flow)"),
                ("Encapsulated (userspace VTEP)", info.DataPlane.Encapsulated.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Decapsulated (userspace VTEP)", info.DataPlane.Decapsulated.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Drops", string.Join(", ", info.DataPlane.Drops.Where(d => d.Value > 0).Select(d => $"{d.Key} {d.Value}"))),
                ("Remote endpoints", info.DataPlane.Forwarding.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            return 0;
        });
        return command;
    }

    private static Grid Grid(params (string Key, string Value)[] rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(1).PadRight(2)).AddColumn();
        foreach (var (key, value) in rows)
        {
            grid.AddRow(Markup.Escape(key + ":"), Markup.Escape(value.Length == 0 ? "-" : value));
        }
        return grid;
    }
}
