using System.Globalization;
using System.Text.Json;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Cli.Output;

/// <summary>
/// The per-row objects <c>network ls</c>, <c>ps</c> and <c>cluster nodes</c> format, with the field names Docker's formatters expose
/// (ID, Name, Driver, Scope, ... / ID, Names, Status, Networks, ... / ID, Hostname, Status, ...), keys in sorted order like Docker's <c>{{json .}}</c>.
/// </summary>
public static class ListRows
{
    public const string NetworkLsDefault = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
    public const string NodeLsDefault = "table {{.ID}}\t{{.Hostname}}\t{{.Address}}\t{{.Status}}\t{{.Role}}\t{{.LastSeen}}";
    public const string PsDefault = "table {{.ID}}\t{{.Image}}\t{{.RunningFor}}\t{{.Status}}\t{{.Networks}}\t{{.IPAddress}}\t{{.Node}}\t{{.Runtime}}\t{{.Names}}";

    public static JsonElement Network(NetworkInspect network, bool noTrunc) => Row(new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["CreatedAt"] = DockerTime(network.Created),
        ["Driver"] = network.Driver,
        ["ID"] = noTrunc ? network.Id : Short(network.Id),
        ["IPv6"] = Bool(network.EnableIPv6),
        ["Internal"] = Bool(network.Internal),
        ["Labels"] = string.Join(',', network.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")),
        ["Name"] = network.Name,
        ["Scope"] = network.Scope,
    });

    public static JsonElement Container(ContainerSummary container, bool noTrunc, DateTimeOffset now)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(container.Created);
        var networks = container.NetworkSettings.Networks.OrderBy(n => n.Key, StringComparer.Ordinal).ToList();
        return Row(new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Command"] = "\"" + container.Command + "\"",
            ["CreatedAt"] = DockerTime(created),
            ["ID"] = noTrunc ? container.Id : Short(container.Id),
            ["IPAddress"] = string.Join(',', networks.Select(n => n.Value.IPAddress)),
            ["Image"] = container.Image,
            ["Labels"] = "",
            ["Names"] = string.Join(',', container.Names.Select(n => n.TrimStart('/'))),
            ["Networks"] = string.Join(',', networks.Select(n => n.Key)),
            ["Node"] = container.Node,
            ["Ports"] = "",
            ["RunningFor"] = Api.HumanDuration.Format(now - created) + " ago",
            ["Runtime"] = container.Runtime,
            ["State"] = container.State,
            ["Status"] = container.Status,
        });
    }

    /// <summary>A <c>cluster nodes</c> row; LastSeen as "5 seconds ago" like ps's RunningFor ("-" when never seen).</summary>
    public static JsonElement Node(NodeInfo node, bool noTrunc, DateTimeOffset now) => Row(new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["Address"] = node.Address,
        ["Hostname"] = node.Hostname,
        ["ID"] = noTrunc ? node.ID : Short(node.ID),
        ["LastSeen"] = node.LastSeen is { } seen ? Api.HumanDuration.Format(now - seen) + " ago" : "-",
        ["Role"] = node.Role,
        ["Status"] = node.Status,
    });

    /// <summary>A DTO as the JSON object templates run against.</summary>
    public static JsonElement ToElement<T>(T value) =>
        JsonSerializer.SerializeToElement(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)WeftApiJson.Options.GetTypeInfo(typeof(T)));

    public static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static JsonElement Row(SortedDictionary<string, string> fields)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    // Go's time.Time String() as docker prints CreatedAt: "2026-11-27 19:00:00.123456789 +0000 UTC".
    private static string DockerTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + " +0000 UTC";
}
