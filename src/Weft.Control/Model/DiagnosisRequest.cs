namespace Weft.Control.Model;

/// <summary>
/// A request that every host with a container on a network probe its links (<c>weft network diagnose --all</c>), stored
/// under a short lease at <see cref="Keys.DiagnosisRequest"/>; each such host answers at <see cref="Keys.DiagnosisResult"/>.
/// </summary>
public sealed record DiagnosisRequest(string Id, string NetworkId, DateTimeOffset Created);
