namespace Weft.Control.Model;

/// <summary>
/// The control plane's key layout in the cluster store. Every value is UTF-8 JSON from <see cref="ModelJsonContext"/>
/// unless noted.
/// <code>
/// networks/&lt;networkId&gt;                      Network
/// names/networks/&lt;name&gt;                     network id (plain text); claimed create-only, makes names unique
/// names/containers/&lt;name&gt;                   ContainerRecord; claimed create-only, container names unique cluster-wide
/// endpoints/&lt;networkId&gt;/&lt;endpointId&gt;        Endpoint
/// ipam/&lt;networkId&gt;/&lt;ip&gt;                    endpoint id (plain text); an address claim, create-only
/// ipam-subnets                              SubnetClaims; one document updated by CAS so subnets never overlap
/// vni/&lt;n&gt;                                  network id (plain text); a VNI claim, create-only
/// nodes/&lt;nodeId&gt;                           Node (State stored as last written; live state comes from alive/)
/// names/nodes/&lt;name&gt;                        node id (plain text)
/// alive/&lt;nodeId&gt;                           empty; attached to the node's heartbeat lease, gone when it expires
/// keymeta/&lt;networkId&gt;                      NetworkKeyMeta; epochs and rotation schedule of an encrypted network (no keys)
/// keyinstalled/&lt;networkId&gt;/&lt;host&gt;        KeyInstalled; the newest epoch that member host has installed (its confirmation)
/// secrets/keys/&lt;networkId&gt;                 NetworkKeySecret; the keys; manager only, never served to remote callers
/// </code>
/// </summary>
public static class Keys
{
    public const string NetworksPrefix = "networks/";
    public const string NetworkNamesPrefix = "names/networks/";
    public const string ContainerNamesPrefix = "names/containers/";
    public const string EndpointsPrefix = "endpoints/";
    public const string IpamPrefix = "ipam/";
    public const string Subnets = "ipam-subnets";
    public const string VniPrefix = "vni/";
    public const string NodesPrefix = "nodes/";
    public const string NodeNamesPrefix = "names/nodes/";
    public const string AlivePrefix = "alive/";
    public const string KeyMetaPrefix = "keymeta/";
    public const string ContainerStatesPrefix = "state/containers/";
    public const string DiagnosisRequestsPrefix = "diag/requests/";
    public const string DiagnosisResultsPrefix = "diag/results/";
    public const string KeyInstalledPrefix = "keyinstalled/";
    public const string SecretsPrefix = "secrets/";
    public const string SecretKeysPrefix = SecretsPrefix + "keys/";

    public static string Network(string networkId) => NetworksPrefix + networkId;

    public static string NetworkName(string name) => NetworkNamesPrefix + name;

    public static string ContainerName(string name) => ContainerNamesPrefix + name;

    public static string Endpoints(string networkId) => EndpointsPrefix + networkId + "/";

    public static string Endpoint(string networkId, string endpointId) => Endpoints(networkId) + endpointId;

    public static string Addresses(string networkId) => IpamPrefix + networkId + "/";

    public static string Address(string networkId, string ip) => Addresses(networkId) + ip;

    public static string Vni(int vni) => VniPrefix + vni.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Node(string nodeId) => NodesPrefix + nodeId;

    public static string NodeName(string name) => NodeNamesPrefix + name;

    public static string Alive(string nodeId) => AlivePrefix + nodeId;

    public static string KeyMeta(string networkId) => KeyMetaPrefix + networkId;

    public static string KeysInstalled(string networkId) => KeyInstalledPrefix + networkId + "/";

    public static string KeyInstalled(string networkId, string host) => KeysInstalled(networkId) + host;

    public static string ContainerState(string containerId) => ContainerStatesPrefix + containerId;

    public static string DiagnosisRequest(string requestId) => DiagnosisRequestsPrefix + requestId;

    public static string DiagnosisResults(string requestId) => DiagnosisResultsPrefix + requestId + "/";

    public static string DiagnosisResult(string requestId, string host) => DiagnosisResults(requestId) + host;

    public static string SecretKeys(string networkId) => SecretKeysPrefix + networkId;
}
