using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Cluster.Channel;

/// <summary>
/// One message on the channel. Client to server: <c>call</c> (one answer), <c>stream</c> (many), <c>cancel</c> (stop a stream).
/// Server to client: <c>result</c>, <c>item</c>, <c>end</c>, <c>error</c>. <see cref="Id"/> ties answers to their request,
/// so many calls and streams share one connection.
/// </summary>
internal sealed record RpcFrame(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("method")] string? Method = null,
    [property: JsonPropertyName("body")] JsonElement? Body = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("errorKind")] string? ErrorKind = null,
    [property: JsonPropertyName("detail")] JsonElement? Detail = null)
{
    public const string Call = "call";
    public const string Stream = "stream";
    public const string Cancel = "cancel";
    public const string Result = "result";
    public const string Item = "item";
    public const string End = "end";
    public const string Failure = "error";

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, ChannelJson.Options);

    public static RpcFrame Deserialize(byte[] payload) =>
        JsonSerializer.Deserialize<RpcFrame>(payload, ChannelJson.Options)
        ?? throw new InvalidDataException("frame is JSON null");
}
