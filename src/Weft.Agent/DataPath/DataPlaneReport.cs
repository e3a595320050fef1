using Weft.Api.Dto;
using Weft.DataPlane;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Host;
using Weft.DataPlane.Offload;

namespace Weft.Agent.DataPath;

/// <summary>The VTEP's counters and forwarding entries as the API shows them in <c>/info</c> (<c>weft info</c>).</summary>
public static class DataPlaneReport
{
    public static DataPlaneInfo Of(Vtep? vtep, HostDataPath? host = null)
    {
        if (vtep is null) return new DataPlaneInfo();
        var counters = vtep.Counters.Snapshot();
        var underlay = vtep.Underlay as UdpUnderlay;
        var features = underlay is null ? null : host?.Features(underlay.Features) ?? underlay.Features;
        return new DataPlaneInfo
        {
            Mode = "userspace",
            Offloads = features is null ? "" : features.Requested ? features.ToString() : $"{features} (off: {OffloadSettings.EnvironmentVariable}=off)",
            SourcePorts = underlay?.SourcePorts.ToList() ?? [],
            Encapsulated = counters.Encapsulated,
            Decapsulated = counters.Decapsulated,
            ArpAnswered = counters.ArpAnswered,
            FloodedCopies = counters.FloodedCopies,
            Drops = counters.Drops.ToDictionary(d => d.Key.ToString(), d => d.Value),
            Forwarding = vtep.Vnis.Order()
                .SelectMany(vni => vtep.Table.Endpoints(vni).Select(e => new ForwardingEntry
                {
                    Vni = vni, MacAddress = e.Mac.ToString(), IPAddress = e.Ip.ToString(), Vtep = e.Vtep.ToString(),
                }))
                .ToList(),
            Encryption = vtep.Vnis.Order()
                .Select(vni => vtep.TryGetEncryption(vni, out var ring) ? (vni, ring.Status()) : default)
                .Where(r => r.Item2 is not null)
                .Select(r => new EncryptionInfo
                {
                    Vni = r.vni, Algorithm = r.Item2.Algorithm, SendEpoch = r.Item2.SendEpoch,
                    Epochs = r.Item2.Epochs.Select(e => e.Epoch).ToList(), Fingerprints = r.Item2.Epochs.Select(e => e.Fingerprint).ToList(),
                    ReceiveFrom = r.Item2.ReceiveFrom,
                })
                .ToList(),
        };
    }
}
