using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Weft.Control.Reconcile;
using Weft.Dns;

namespace Weft.Agent.DataPath;

/// <summary>
/// The names one container can resolve (containers on the networks it shares), as an immutable snapshot swapped
/// by the reconciler, so the DNS receive path reads without locks or I/O. Each container answers to its name and
/// to "name.network" (as Docker does).
/// </summary>
public sealed class ContainerNames : INameLookup
{
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, IReadOnlyList<IPAddress>>.Empty, FrozenDictionary<IPAddress, string>.Empty);

    public void Update(IEnumerable<VisibleName> names)
    {
        var list = names.ToList();
        var forward = list
            .SelectMany(n => new[] { (Key: n.Name.ToLowerInvariant(), n.IPv4Address), (Key: $"{n.Name}.{n.NetworkName}".ToLowerInvariant(), n.IPv4Address) })
            .GroupBy(x => x.Key)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<IPAddress>)g.Select(x => IPAddress.Parse(x.IPv4Address)).Distinct().ToList());
        var reverse = list.GroupBy(n => IPAddress.Parse(n.IPv4Address)).ToFrozenDictionary(g => g.Key, g => g.First().Name);
        _snapshot = new Snapshot(forward, reverse);
    }

    public bool TryResolve(string name, [MaybeNullWhen(false)] out IReadOnlyList<IPAddress> addresses) =>
        _snapshot.Forward.TryGetValue(name, out addresses);

    public bool TryReverse(IPAddress address, [MaybeNullWhen(false)] out string name) =>
        _snapshot.Reverse.TryGetValue(address, out name);

    private sealed record Snapshot(FrozenDictionary<string, IReadOnlyList<IPAddress>> Forward, FrozenDictionary<IPAddress, string> Reverse);
}
