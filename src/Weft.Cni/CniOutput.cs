using System.Text;
using System.Text.Json;
using Weft.Api.Dto;

namespace Weft.Cni;

/// <summary>The JSON the spec has a plugin print: results, the VERSION answer, errors. Written by hand with Utf8JsonWriter (no reflection: the plugin is published trimmed).</summary>
public static class CniOutput
{
    /// <summary>An ADD (or 0.4.0 CHECK) result in <paramref name="version"/>'s shape: 0.4.0 IPs carry "version": "4".</summary>
    public static string Result(string version, CniAttachment attachment) => Write(w =>
    {
        w.WriteString("cniVersion", version);
        w.WriteStartArray("interfaces");
        w.WriteStartObject();
        w.WriteString("name", attachment.Interface);
        w.WriteString("mac", attachment.MacAddress);
        if (version == "1.1.0") w.WriteNumber("mtu", attachment.Mtu); // an interface field since 1.1
        w.WriteString("sandbox", attachment.Sandbox);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("ips");
        w.WriteStartObject();
        if (version == "0.4.0") w.WriteString("version", "4");
        w.WriteString("address", attachment.Address);
        w.WriteString("gateway", attachment.Gateway);
        w.WriteNumber("interface", 0);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("dns");
        if (attachment.Nameservers.Count > 0)
        {
            w.WriteStartArray("nameservers");
            foreach (var server in attachment.Nameservers) w.WriteStringValue(server);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    public static string Version() => Write(w =>
    {
        w.WriteString("cniVersion", CniVersions.Current);
        w.WriteStartArray("supportedVersions");
        foreach (var v in CniVersions.Supported) w.WriteStringValue(v);
        w.WriteEndArray();
    });

    public static string Error(string version, CniException error) => Write(w =>
    {
        w.WriteString("cniVersion", version);
        w.WriteNumber("code", error.Code);
        w.WriteString("msg", error.Message);
        if (error.Details is { Length: > 0 } details) w.WriteString("details", details);
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
