using System.Text.Json;

namespace Weft.TestSupport;

/// <summary>One packet as tshark dissected it: its layers in order (outer "eth" first, inner "eth" later).</summary>
public sealed class DissectedPacket(IReadOnlyList<(string Name, JsonElement Fields)> layers)
{
    public IReadOnlyList<(string Name, JsonElement Fields)> Layers { get; } = layers;

    public IEnumerable<string> LayerNames => Layers.Select(l => l.Name);

    /// <summary>The value of <paramref name="field"/> (searched through the layer's subtrees) in the
    /// <paramref name="occurrence"/>-th layer named <paramref name="layer"/> (0 = outermost).</summary>
    public string Field(string layer, string field, int occurrence = 0)
    {
        var matching = Layers.Where(l => l.Name == layer).ToList();
        if (occurrence >= matching.Count)
            throw new KeyNotFoundException($"tshark shows {matching.Count} '{layer}' layer(s), wanted #{occurrence}; layers: {string.Join("/", LayerNames)}");
        return Find(matching[occurrence].Fields, field)
            ?? throw new KeyNotFoundException($"tshark's '{layer}' layer #{occurrence} has no field '{field}'");
    }

    private static string? Find(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == field && property.Value.ValueKind == JsonValueKind.String) return property.Value.GetString();
        }
        foreach (var property in element.EnumerateObject())
        {
            if (Find(property.Value, field) is { } found) return found;
        }
        return null;
    }
}

/// <summary>
/// Runs tshark (Wireshark's dissector, an implementation independent of Weft) on a pcap with IPv4 and UDP
/// checksum validation on and UDP 4789 decoded as VXLAN, and parses its <c>-T json</c> output. tshark repeats
/// a layer's key ("eth", "ip") for encapsulated headers; the layers are read in document order to keep both.
/// Checksum status values (epan/proto.h): 0 bad, 1 good, 2 unverified, 3 not present.
/// </summary>
public static class Tshark
{
    public const string ChecksumBad = "0";
    public const string ChecksumGood = "1";

    public static IReadOnlyList<DissectedPacket> Dissect(string pcapPath)
    {
        var result = Tool.Run("tshark", ["-r", pcapPath, "-T", "json",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-d", "udp.port==4789,vxlan"],
            TimeSpan.FromSeconds(30))
            .EnsureSuccess($"tshark -r {pcapPath}");
        using var document = JsonDocument.Parse(result.StdOut);
        return document.RootElement.EnumerateArray()
            .Select(packet => new DissectedPacket(packet.GetProperty("_source").GetProperty("layers").EnumerateObject()
                .Select(layer => (layer.Name, layer.Value.Clone())).ToList()))
            .ToList();
    }
}
