using System.Text.Json;

namespace Weft.Cni;

/// <summary>
/// The network configuration a runtime passes on stdin (one plugin's entry of a conflist, with <c>cniVersion</c> and
/// <c>name</c> filled in). Weft's keys: <c>network</c>, the Weft network (default: the configuration's <c>name</c>), and
/// <c>socket</c>, weftd's API socket (default <c>/run/weft/weftd.sock</c>).
/// </summary>
public sealed record CniConfig(string CniVersion, string Name, string Network, string Socket)
{
    /// <summary>GC's <c>cni.dev/valid-attachments</c>: the attachments the runtime still knows.</summary>
    public IReadOnlyList<Weft.Api.Dto.CniAttachmentKey> ValidAttachments { get; init; } = [];

    public const string DefaultSocket = "/run/weft/weftd.sock";

    /// <summary>Parses stdin; a malformed one is a <see cref="CniException"/> with code 6 (decode) or 7 (invalid config).</summary>
    public static CniConfig Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CniException(CniCodes.DecodeFailure, "the network configuration on stdin is not JSON", e.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CniException(CniCodes.DecodeFailure, "the network configuration on stdin must be a JSON object");
            var version = Text(root, "cniVersion") ?? throw new CniException(CniCodes.InvalidNetworkConfig, "the network configuration has no cniVersion");
            var name = Text(root, "name") ?? throw new CniException(CniCodes.InvalidNetworkConfig, "the network configuration has no name");
            var network = Text(root, "network") ?? name;
            var socket = Text(root, "socket") ?? DefaultSocket;
            if (!socket.StartsWith('/'))
                throw new CniException(CniCodes.InvalidNetworkConfig, $"socket '{socket}' must be an absolute path to weftd's API socket, like {DefaultSocket}");
            return new CniConfig(version, name, network, socket) { ValidAttachments = Attachments(root) };
        }
    }

    private static List<Weft.Api.Dto.CniAttachmentKey> Attachments(JsonElement root)
    {
        if (!root.TryGetProperty("cni.dev/valid-attachments", out var list)) return [];
        if (list.ValueKind != JsonValueKind.Array)
            throw new CniException(CniCodes.InvalidNetworkConfig, "\"cni.dev/valid-attachments\" must be an array of {\"containerID\", \"ifname\"}");
        return list.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Object
                && a.TryGetProperty("containerID", out var id) && id.ValueKind == JsonValueKind.String
                && a.TryGetProperty("ifname", out var ifName) && ifName.ValueKind == JsonValueKind.String
            ? new Weft.Api.Dto.CniAttachmentKey(id.GetString()!, ifName.GetString()!)
            : throw new CniException(CniCodes.InvalidNetworkConfig, $"an entry of \"cni.dev/valid-attachments\" is not {{\"containerID\", \"ifname\"}}: {a.GetRawText()}")).ToList();
    }

    private static string? Text(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new CniException(CniCodes.InvalidNetworkConfig, $"\"{property}\" in the network configuration must be a string");
        var text = value.GetString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
