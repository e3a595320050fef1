namespace Weft.Templates;

/// <summary>The column headers Docker's formatters print for the fields of its list commands.</summary>
public static class DockerHeaders
{
    /// <summary><c>docker network ls</c> (cli/command/formatter/network.go).</summary>
    public static readonly IReadOnlyDictionary<string, string> NetworkLs = new Dictionary<string, string>
    {
        ["ID"] = "NETWORK ID",
        ["Name"] = "NAME",
        ["Driver"] = "DRIVER",
        ["Scope"] = "SCOPE",
        ["IPv6"] = "IPV6",
        ["Internal"] = "INTERNAL",
        ["Labels"] = "LABELS",
        ["CreatedAt"] = "CREATED AT",
    };

    /// <summary><c>docker ps</c> (cli/command/formatter/container.go), plus Weft's Node and IP columns.</summary>
    public static readonly IReadOnlyDictionary<string, string> ContainerPs = new Dictionary<string, string>
    {
        ["ID"] = "CONTAINER ID",
        ["Image"] = "IMAGE",
        ["Command"] = "COMMAND",
        ["CreatedAt"] = "CREATED AT",
        ["RunningFor"] = "CREATED",
        ["Ports"] = "PORTS",
        ["State"] = "STATE",
        ["Status"] = "STATUS",
        ["Size"] = "SIZE",
        ["Names"] = "NAMES",
        ["Labels"] = "LABELS",
        ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES",
        ["Networks"] = "NETWORKS",
        ["Node"] = "NODE",
        ["IPAddress"] = "IP ADDRESS",
    };

    /// <summary><c>docker node ls</c> (cli/command/node/formatter.go), plus Weft's Role and LastSeen columns.</summary>
    public static readonly IReadOnlyDictionary<string, string> NodeLs = new Dictionary<string, string>
    {
        ["ID"] = "ID",
        ["Self"] = "",
        ["Hostname"] = "HOSTNAME",
        ["Status"] = "STATUS",
        ["Availability"] = "AVAILABILITY",
        ["ManagerStatus"] = "MANAGER STATUS",
        ["EngineVersion"] = "ENGINE VERSION",
        ["Address"] = "ADDRESS",
        ["Role"] = "ROLE",
        ["LastSeen"] = "LAST SEEN",
    };
}
