namespace Weft.Cni;

/// <summary>
/// One invocation of the plugin, as the CNI spec defines it: the command and arguments in the environment (CNI_COMMAND,
/// CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS), the network configuration on stdin, a result or an error as JSON on
/// stdout, exit 0 on success. ADD, DEL, CHECK and GC go to weftd; VERSION and STATUS are answered here (STATUS: does weftd
/// answer). DEL of what is already gone (a missing namespace, an unknown container) succeeds, as weftd decides; with weftd
/// unreachable it fails with code 11, so the runtime retries rather than leaving an endpoint behind.
/// </summary>
public static class CniPlugin
{
    public static async Task<int> RunAsync(Func<string, string?> environment, TextReader stdin, TextWriter stdout, Func<string, ICniBackend> backends, CancellationToken ct)
    {
        var command = environment("CNI_COMMAND") ?? "";
        if (command == "VERSION")
        {
            await stdout.WriteLineAsync(CniOutput.Version());
            return 0;
        }
        var version = CniVersions.Current;
        try
        {
            var config = CniConfig.Parse(await stdin.ReadToEndAsync(ct));
            version = config.CniVersion;
            CniVersions.Require(config.CniVersion);
            using var backend = backends(config.Socket);
            switch (command)
            {
                case "ADD":
                    await stdout.WriteLineAsync(CniOutput.Result(config.CniVersion, await backend.AddAsync(Request(environment, config, needsNetns: true), ct)));
                    return 0;
                case "DEL":
                    await backend.DeleteAsync(Request(environment, config, needsNetns: false), ct);
                    return 0;
                case "CHECK":
                    await backend.CheckAsync(Request(environment, config, needsNetns: true), ct);
                    return 0;
                case "GC":
                    await backend.CollectAsync(new Weft.Api.Dto.CniGcRequest { Network = config.Network, ValidAttachments = [.. config.ValidAttachments] }, ct);
                    return 0;
                case "STATUS":
                    try
                    {
                        await backend.PingAsync(ct);
                    }
                    catch (CniException e)
                    {
                        throw new CniException(CniCodes.PluginNotAvailable, e.Message, e.Details);
                    }
                    return 0;
                default:
                    throw new CniException(CniCodes.InvalidEnvironment,
                        command.Length == 0 ? "CNI_COMMAND is not set: run weft-cni from a container runtime (ADD, DEL, CHECK, GC, STATUS, VERSION)"
                            : $"CNI_COMMAND {command} is not supported: ADD, DEL, CHECK, GC, STATUS and VERSION are");
            }
        }
        catch (CniException e)
        {
            await stdout.WriteLineAsync(CniOutput.Error(version, e));
            return 1;
        }
    }

    private static Weft.Api.Dto.CniRequest Request(Func<string, string?> environment, CniConfig config, bool needsNetns)
    {
        var containerId = environment("CNI_CONTAINERID");
        if (string.IsNullOrWhiteSpace(containerId)) throw new CniException(CniCodes.InvalidEnvironment, "CNI_CONTAINERID is not set");
        var ifName = environment("CNI_IFNAME");
        if (string.IsNullOrWhiteSpace(ifName)) throw new CniException(CniCodes.InvalidEnvironment, "CNI_IFNAME is not set");
        var netns = environment("CNI_NETNS") ?? "";
        if (needsNetns && string.IsNullOrWhiteSpace(netns)) throw new CniException(CniCodes.InvalidEnvironment, "CNI_NETNS is not set");
        return new Weft.Api.Dto.CniRequest
        {
            ContainerId = containerId, IfName = ifName, Netns = netns, Network = config.Network, Name = Argument(environment("CNI_ARGS"), "K8S_POD_NAME"),
        };
    }

    /// <summary>One KEY=VALUE of CNI_ARGS ("K1=V1;K2=V2"), or null.</summary>
    public static string? Argument(string? arguments, string key) =>
        (arguments ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0] == key)?[1];
}
