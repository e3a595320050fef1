using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Api;

/// <summary>Timestamps as Docker writes them (Go's RFC 3339 with nanoseconds, in UTC with "Z"): 2026-11-27T19:06:53.1793266Z.</summary>
public sealed class DockerTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
