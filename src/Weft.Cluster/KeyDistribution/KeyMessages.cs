namespace Weft.Cluster.KeyDistribution;

/// <summary>Method names of network keys on the manager's channel.</summary>
public static class KeyMethods
{
    /// <summary>The epochs and keys of one encrypted network; only for a host with an endpoint on it.</summary>
    public const string Get = "keys.get";

    /// <summary>
    /// The epochs and keys of one encrypted network including a fresh epoch (one no host has sealed with yet), for a member
    /// whose key ring is new; only for a host with an endpoint on it.
    /// </summary>
    public const string GetFresh = "keys.get-fresh";

    /// <summary>Starts a key rotation of one encrypted network now.</summary>
    public const string Rotate = "keys.rotate";
}

internal sealed record NetworkKeyRequest(string NetworkId);
