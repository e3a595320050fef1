using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Control.Model;

/// <summary>
/// Source-generated System.Text.Json metadata for everything the control plane stores.
/// camelCase property names, enums as lowercase strings, nulls omitted.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(Network))]
[JsonSerializable(typeof(Endpoint))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(ContainerRunState))]
[JsonSerializable(typeof(DiagnosisRequest))]
[JsonSerializable(typeof(SubnetClaims))]
[JsonSerializable(typeof(NetworkKeyMeta))]
[JsonSerializable(typeof(KeyInstalled))]
[JsonSerializable(typeof(NetworkKeySecret))]
[JsonSerializable(typeof(Weft.Control.Ipam.AddressClaim))]
public sealed partial class ModelJsonContext : JsonSerializerContext;

/// <summary>Typed (de)serialization helpers over <see cref="ModelJsonContext"/>.</summary>
public static class ModelJson
{
    public static byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ModelJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static T Deserialize<T>(ReadOnlyMemory<byte> utf8) =>
        JsonSerializer.Deserialize(utf8.Span, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ModelJsonContext.Default.GetTypeInfo(typeof(T))!)
        ?? throw new JsonException($"stored {typeof(T).Name} is JSON null");
}
