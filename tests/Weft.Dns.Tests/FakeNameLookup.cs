using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Weft.Dns.Tests;

/// <summary>An in-memory INameLookup: the names a test container can see.</summary>
internal sealed class FakeNameLookup : INameLookup
{
    private readonly Dictionary<string, List<IPAddress>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, string> _byAddress = new();

    /// <summary>Registers a container under its name and its network-qualified name, as the agent would.</summary>
    public FakeNameLookup Add(string name, string network, params string[] addresses)
    {
        var parsed = addresses.Select(IPAddress.Parse).ToList();
        _byName[name] = parsed;
        _byName[$"{name}.{network}"] = parsed;
        foreach (var address in parsed)
            _byAddress[address] = name;
        return this;
    }

    public List<string> Asked { get; } = [];

    public bool TryResolve(string name, [MaybeNullWhen(false)] out IReadOnlyList<IPAddress> addresses)
    {
        lock (Asked) Asked.Add(name);
        var found = _byName.TryGetValue(name, out var list);
        addresses = list;
        return found;
    }

    public bool TryReverse(IPAddress address, [MaybeNullWhen(false)] out string name) =>
        _byAddress.TryGetValue(address, out name);
}
