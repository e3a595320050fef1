using Weft.Control.Model;

namespace Weft.Control.Services;

/// <summary>An encrypted network's key schedule and its keys, as the manager hands them to a member host.</summary>
/// <param name="FreshEpoch">
/// Set when the host asked for a fresh epoch (its key ring is new: after a restart or a rejoin): an epoch no host had
/// sealed with when the manager answered, included in <paramref name="Keys"/>. The host accepts inbound only this epoch
/// and later ones, since the replay windows of earlier epochs were lost with its earlier ring.
/// </param>
public sealed record NetworkKeys(NetworkKeyMeta Meta, IReadOnlyList<EpochKey> Keys, uint? FreshEpoch = null);
