using System.CommandLine;
using Weft.Cli.Demo;
using Weft.Lab;
using Weft.Linux;

namespace Weft.Cli.Commands;

/// <summary>
/// <c>weft demo [--hosts N] [--keep]</c>: the overlay scenario narrated step by step in a lab of its own (see
/// <see cref="DemoScenario"/>). Needs root and ip, ping and tcpdump; refuses to touch a lab that is already up.
/// </summary>
internal static class DemoCommand
{
    public const int MinHosts = 2;
    public const int MaxHosts = 9;

    /// <summary>Issue 5's scenario: three hosts, two of them with a container.</summary>
    public const int DefaultHosts = 3;
    private static readonly string[] RequiredTools = ["ip", "ping", "tcpdump"];

    /// <summary>How long an interrupted demo may take to tear its lab down before the process ends anyway.</summary>
    public static readonly TimeSpan TeardownGrace = TimeSpan.FromSeconds(30);

    public static Command Create(CliContext context)
    {
        var hosts = new Option<int>("--hosts") { Description = $"Number of simulated hosts ({MinHosts}..{MaxHosts})", DefaultValueFactory = _ => DefaultHosts };
        var keep = new Option<bool>("--keep") { Description = "Leave the lab up afterwards and print how to explore it" };
        var docker = new Option<bool>("--docker") { Description = "Tell the story with Docker's commands against a real dockerd on every lab host (Weft's network plugin)" };
        var command = new Command("demo", "Show the overlay at work: a lab, a network, two containers on two hosts, a ping, a VXLAN packet decoded (needs root)")
        {
            hosts, keep, docker,
        };
        context.Handle(command, async (parse, ct) =>
        {
            var prefix = context.LabPrefixValue(parse);
            var count = parse.GetValue(hosts);
            if (count is < MinHosts or > MaxHosts)
            {
                throw new CliException($"--hosts {count}: the demo runs on {MinHosts}..{MaxHosts} hosts");
            }
            if (!Environment.IsPrivilegedProcess)
            {
                throw new CliException("weft demo needs root: it builds network namespaces and starts agents in them (run it as root)");
            }
            if (RequiredTools.FirstOrDefault(t => ExternalTool.Find(t) is null) is { } missing)
            {
                throw new CliException($"weft demo needs '{missing}': run scripts/setup-system (or apt-get install iproute2 iputils-ping tcpdump)");
            }
            try
            {
                LabNames.ValidatePrefix(prefix, count);
                if (LabTopology.Status(prefix).IsUp)
                {
                    throw new CliException($"a lab '{prefix}' is already up and the demo builds its own: remove it with 'weft lab down' or give the demo another --lab-prefix");
                }
            }
            catch (Exception e) when (e is ArgumentException or LinuxException)
            {
                throw new CliException($"demo: {e.Message}");
            }
            if (parse.GetValue(docker) && ExternalTool.Find("dockerd") is null)
            {
                throw new CliException("weft demo --docker needs Docker: run scripts/setup-system --docker (or apt-get install docker.io busybox-static)");
            }
            return await new DemoScenario(context, prefix, count, parse.GetValue(keep), parse.GetValue(docker)).RunAsync(ct);
        });
        return command;
    }
}
