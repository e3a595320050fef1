using Weft.Api;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Agent.DataPath;

/// <summary>
/// <c>weft network diagnose --all</c>: asks every host with a container on the network to probe its own links (a request
/// in the cluster store under a lease, answered by each host's <see cref="DiagnosisResponder"/>) and collects the
/// answers, so a link between two other hosts is diagnosed too. A host that does not answer in time is reported as such.
/// </summary>
public static class ClusterDiagnosis
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    public static async Task<List<NetworkDiagnosis>> RunAsync(AgentState state, Network network, CancellationToken ct)
    {
        var store = state.Control.Store;
        var hosts = (await state.Control.Endpoints.ListAsync(network.Id, ct)).Select(e => e.Host).Distinct().Order(StringComparer.Ordinal).ToList();
        if (hosts.Count == 0) throw new WeftConflictException($"network {network.Name} has no containers on any host: there is no link to diagnose yet");
        var id = Guid.NewGuid().ToString("N")[..16];
        var lease = await store.GrantLeaseAsync(AnswerTimeout + TimeSpan.FromSeconds(30), ct);
        try
        {
            var prefix = Keys.DiagnosisResults(id);
            var answers = new Dictionary<string, NetworkDiagnosis>(StringComparer.Ordinal);
            var revision = await store.GetRevisionAsync(ct);
            await store.PutAsync(Keys.DiagnosisRequest(id), ModelJson.Serialize(new DiagnosisRequest(id, network.Id, DateTimeOffset.UtcNow)), lease, ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(AnswerTimeout);
            try
            {
                await foreach (var change in store.WatchAsync(prefix, revision + 1, deadline.Token))
                {
                    if (change.Type != WatchEventType.Put) continue;
                    answers[change.Kv.Key[prefix.Length..]] = System.Text.Json.JsonSerializer.Deserialize(change.Kv.Value.Span, WeftApiJsonContext.Default.NetworkDiagnosis)!;
                    if (hosts.All(answers.ContainsKey)) break;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // the deadline: whoever has not answered is reported below
            }
            return hosts.Select(h => answers.GetValueOrDefault(h) ?? new NetworkDiagnosis
            {
                Network = network.Name, Vni = (uint)network.Vni, Encrypted = network.Encrypted, Host = h, Mtu = network.Mtu, Healthy = false,
                Message = $"{h} did not answer within {AnswerTimeout.TotalSeconds:0} s: its weftd is down, cannot reach the manager, or runs without a data path",
            }).ToList();
        }
        finally
        {
            await store.RevokeLeaseAsync(lease, CancellationToken.None); // the request and its answers go with it
        }
    }
}
