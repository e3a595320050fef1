using Weft.Api.Dto;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Paths;

namespace Weft.Agent.DataPath;

/// <summary>The data path as the API shows it in <c>/info</c> (<c>weft info</c>): each network's path and traffic, the VTEP's counters, forwarding entries.</summary>
public static class DataPlaneReport
{
    public static DataPlaneInfo Of(NetworkDataPaths? paths)
    {
        if (paths is null) return new DataPlaneInfo();
        var vtep = paths.Vtep;
        var counters = vtep.Counters.Snapshot();
        var underlay = vtep.Underlay as UdpUnderlay;
        var features = underlay is null ? null : paths.Taps.Features(underlay.Features);
        var networks = paths.All;
        return new DataPlaneInfo
        {
            Mode = paths.Selection.Mode.ToString().ToLowerInvariant(),
            ModeDetail = paths.Selection.Describe(),
            Networks = networks.Select(p =>
            {
                var traffic = p.Traffic();
                return new NetworkPathInfo
                {
                    Vni = p.Vni, DataPath = p.Kind.ToString().ToLowerInvariant(), Reason = p.Reason,
                    PacketsIn = traffic.PacketsIn, BytesIn = traffic.BytesIn, PacketsOut = traffic.PacketsOut, BytesOut = traffic.BytesOut,
                    Drops = traffic.Drops, AdmissionDrops = paths.AdmissionDrops(p.Vni), LearnedMacs = p.LearnedMacCount(),
                };
            }).ToList(),
            Offloads = features is null ? "" : features.Requested ? features.ToString() : $"{features} (off: {OffloadSettings.EnvironmentVariable}=off)",
            SourcePorts = underlay?.SourcePorts.ToList() ?? [],
            PathFailures = paths.PathFailures,
            Encapsulated = counters.Encapsulated,
            Decapsulated = counters.Decapsulated,
            ArpAnswered = counters.ArpAnswered,
            FloodedCopies = counters.FloodedCopies,
            Drops = counters.Drops.ToDictionary(d => d.Key.ToString(), d => d.Value),
            Forwarding = networks
                .SelectMany(p => p.Forwarding().Select(e => new ForwardingEntry
                {
                    Vni = p.Vni, MacAddress = e.Mac.ToString(), IPAddress = e.Address.ToString(),
                    Vtep = new System.Net.IPEndPoint(e.Host, paths.VxlanPort).ToString(),
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
