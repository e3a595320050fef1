using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Cli.Cni;

/// <summary>
/// The CNI network configuration list <c>weft cni install</c> writes for a Weft network: one plugin, <c>weft-cni</c>, told
/// which Weft network to attach to and which weftd socket to ask. A runtime (podman's CNI backend, containerd, CRI-O) reads
/// it from its configuration directory and calls <see cref="PluginName"/> from its plugin directory.
/// </summary>
public static class CniConflist
{
    /// <summary>The plugin's file name in the runtime's plugin directory (the conflist's <c>type</c>).</summary>
    public const string PluginName = "weft-cni";

    /// <summary>1.0.0, not the plugin's newest 1.1.0: podman 4.3 refuses results that say 1.1.0.</summary>
    public const string CniVersion = "1.0.0";

    /// <summary>Every conflist Weft wrote matches this; the plugin stays installed while one is left.</summary>
    public const string FilePattern = "50-weft-*.conflist";

    /// <summary>"50-weft-NETWORK.conflist": runtimes read their directory in name order, so 50 sits among other plugins' files.</summary>
    public static string FileName(string network) => $"50-weft-{network}.conflist";

    public static string Json(string network, string socket) =>
        new JsonObject
        {
            ["cniVersion"] = CniVersion,
            ["name"] = network,
            ["plugins"] = new JsonArray(new JsonObject
            {
                ["type"] = PluginName,
                ["network"] = network,
                ["socket"] = socket,
            }),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
