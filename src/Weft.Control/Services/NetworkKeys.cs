using Weft.Control.Model;

namespace Weft.Control.Services;

/// <summary>An encrypted network's key schedule and its keys, as the manager hands them to a member host.</summary>
public sealed record NetworkKeys(NetworkKeyMeta Meta, IReadOnlyList<EpochKey> Keys);
