namespace Weft.Api.Dto;

/// <summary><c>GET /version</c>.</summary>
public sealed record VersionInfo
{
    public required string Version { get; init; }
    public required string ApiVersion { get; init; }
    public required string Os { get; init; }
    public required string Arch { get; init; }
    public required string KernelVersion { get; init; }
    public required string Runtime { get; init; }
}

/// <summary><c>GET /info</c>.</summary>
public sealed record SystemInfo
{
    public required string ID { get; init; }
    public required string Name { get; init; }
    public int Networks { get; init; }
    public int Containers { get; init; }
    public required string OperatingSystem { get; init; }
    public required string KernelVersion { get; init; }
    public required string Architecture { get; init; }
    public int NCPU { get; init; }
    public required string DataDir { get; init; }
    public required string Socket { get; init; }
    public string UnderlayAddress { get; init; } = "";
    public ClusterInfo Cluster { get; init; } = new();
    public DataPlaneInfo DataPlane { get; init; } = new();

    /// <summary>
    /// Passes of this host's reconciler completed since the agent started. A pass that completes after this number has
    /// grown by two began after the moment it was read, so it saw every store change made before that moment.
    /// </summary>
    public long ReconcilerPasses { get; init; }
}

/// <summary>This host's data path: mode, each network's path and traffic, the userspace VTEP's counters and every forwarding entry.</summary>
public sealed record DataPlaneInfo
{
    /// <summary>"auto", "kernel", "userspace" or "off": the <c>--data-path</c> this agent runs with.</summary>
    public string Mode { get; init; } = "off";

    /// <summary>What the mode means on this host, e.g. whether the kernel path is available and why not.</summary>
    public string ModeDetail { get; init; } = "";

    /// <summary>Each network with a data path on this host: which path, why, and its traffic.</summary>
    public List<NetworkPathInfo> Networks { get; init; } = new();

    /// <summary>The offloads in use, e.g. "tap-tso tap-gro udp-mmsg udp-gso udp-gro"; "plain" when none is (missing or turned off).</summary>
    public string Offloads { get; init; } = "";

    /// <summary>The outer UDP source ports VXLAN leaves from, one picked per inner flow (empty: all from the VXLAN port).</summary>
    public List<ushort> SourcePorts { get; init; } = new();
    public long Encapsulated { get; init; }
    public long Decapsulated { get; init; }
    public long ArpAnswered { get; init; }
    public long FloodedCopies { get; init; }
    public Dictionary<string, long> Drops { get; init; } = new();
    /// <summary>Times a network's data path broke on its own since the agent started (e.g. a TAP reader failed); each was rebuilt.</summary>
    public long PathFailures { get; init; }

    public List<ForwardingEntry> Forwarding { get; init; } = new();

    /// <summary>The key rings of this host's encrypted networks (epochs and fingerprints, never keys).</summary>
    public List<EncryptionInfo> Encryption { get; init; } = new();
}

/// <summary>One network's data path on this host, with the overlay device's counters.</summary>
public sealed record NetworkPathInfo
{
    public uint Vni { get; init; }

    /// <summary>"kernel" or "userspace".</summary>
    public string DataPath { get; init; } = "";
    public string Reason { get; init; } = "";
    public long PacketsIn { get; init; }
    public long BytesIn { get; init; }
    public long PacketsOut { get; init; }
    public long BytesOut { get; init; }

    /// <summary>Frames the overlay device dropped.</summary>
    public long Drops { get; init; }

    /// <summary>Kernel path: VXLAN datagrams for this VNI from addresses that are not its peers, dropped before the device.</summary>
    public long AdmissionDrops { get; init; }

    /// <summary>MACs learned behind the network's external VTEPs (at most 4096, aged out after 300 s); 0 without any.</summary>
    public int LearnedMacs { get; init; }
}

/// <summary>One encrypted network's key ring on this host.</summary>
public sealed record EncryptionInfo
{
    public uint Vni { get; init; }
    public string Algorithm { get; init; } = "";
    /// <summary>The epoch outbound datagrams are sealed with; null: none yet (outbound dropped, never sent in clear).</summary>
    public uint? SendEpoch { get; init; }
    public List<uint> Epochs { get; init; } = new();
    /// <summary>Key fingerprints by epoch: equal on hosts holding the same key.</summary>
    public List<string> Fingerprints { get; init; } = new();
    /// <summary>
    /// Oldest epoch accepted inbound (0: every installed one). A ring built after a restart or rejoin accepts only the fresh
    /// epoch it asked for and later ones: the replay windows of older epochs were lost.
    /// </summary>
    public uint ReceiveFrom { get; init; }
}

/// <summary>One remote endpoint the VTEP can reach: on VNI, MAC and IP behind the peer VTEP.</summary>
public sealed record ForwardingEntry
{
    public uint Vni { get; init; }
    public string MacAddress { get; init; } = "";
    public string IPAddress { get; init; } = "";
    public string Vtep { get; init; } = "";
}

/// <summary>This node's place in the cluster, like Docker's Swarm info.</summary>
public sealed record ClusterInfo
{
    /// <summary>"inactive" before init/join, "active" after.</summary>
    public string LocalNodeState { get; init; } = "inactive";
    public string NodeID { get; init; } = "";
    public bool ControlAvailable { get; init; }
    public string ManagerAddress { get; init; } = "";
}

/// <summary>Docker's error body: <c>{"message": "..."}</c>.</summary>
public sealed record ErrorResponse
{
    [System.Text.Json.Serialization.JsonPropertyName("message")]
    public required string Message { get; init; }
}
