using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Weft.Dns;

/// <summary>
/// The names one container can see: the containers on the networks it shares.
/// The agent implements this over its store; one instance per container.
/// Implementations must be thread-safe and fast (called on the receive path, no I/O).
/// </summary>
public interface INameLookup
{
    /// <summary>
    /// Resolves a name as the container sees it. <paramref name="name"/> is lower-case,
    /// without the trailing dot, and may be dotted (e.g. "db" or "db.app-overlay",
    /// the network-qualified form Docker also answers). Returns true when the name is
    /// known (even with no address of the asked family).
    /// </summary>
    bool TryResolve(string name, [MaybeNullWhen(false)] out IReadOnlyList<IPAddress> addresses);

    /// <summary>Finds the container name for one of the addresses the container can see.</summary>
    bool TryReverse(IPAddress address, [MaybeNullWhen(false)] out string name);
}
