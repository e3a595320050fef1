using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Weft.Api.Dto;

namespace Weft.Api;

/// <summary>Source-generated JSON for every DTO; property names are the C# names, which are Docker's.</summary>
[JsonSerializable(typeof(NetworkInspect))]
[JsonSerializable(typeof(CniRequest))]
[JsonSerializable(typeof(CniAttachment))]
[JsonSerializable(typeof(CniGcRequest))]
[JsonSerializable(typeof(CniGcResponse))]
[JsonSerializable(typeof(List<NetworkInspect>))]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkCreateResponse))]
[JsonSerializable(typeof(NetworkConnectRequest))]
[JsonSerializable(typeof(NetworkDisconnectRequest))]
[JsonSerializable(typeof(NetworkPeerRequest))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(List<ContainerInspect>))]
[JsonSerializable(typeof(ExecRequest))]
[JsonSerializable(typeof(ExecResult))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(SystemInfo))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ClusterInitRequest))]
[JsonSerializable(typeof(ClusterInitResponse))]
[JsonSerializable(typeof(ClusterJoinRequest))]
[JsonSerializable(typeof(ClusterJoinResponse))]
[JsonSerializable(typeof(List<NodeInfo>))]
[JsonSerializable(typeof(NetworkDiagnosis))]
[JsonSerializable(typeof(List<NetworkDiagnosis>))]
public sealed partial class WeftApiJsonContext : JsonSerializerContext;

public static class WeftApiJson
{
    /// <summary>Compact, no HTML escaping (Docker's encoder does not escape HTML either).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = WeftApiJsonContext.Default,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
