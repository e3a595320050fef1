using System.Text.Json;

namespace Weft.Cluster.Channel;

/// <summary>JSON settings shared by both ends of the channel.</summary>
internal static class ChannelJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    public static T FromElement<T>(JsonElement? element, string what)
    {
        try
        {
            var value = element is { } e ? e.Deserialize<T>(Options) : default;
            return value ?? throw new InvalidDataException($"{what}: body is missing");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: body does not parse ({e.Message})", e);
        }
    }
}
