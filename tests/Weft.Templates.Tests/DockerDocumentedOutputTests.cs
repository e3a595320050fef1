using System.Text.Json;
using Weft.Templates;

namespace Weft.Templates.Tests;

/// <summary>Templates and outputs as Docker's documentation shows them (docker inspect / network ls / ps / format pages).</summary>
public sealed class DockerDocumentedOutputTests
{
    private static readonly JsonElement Network = JsonDocument.Parse("""
        {
          "Name": "app-overlay", "Id": "3f2a8bc01d5e", "Created": "2026-11-27T19:00:00Z", "Scope": "global",
          "Driver": "overlay", "EnableIPv6": false,
          "IPAM": { "Driver": "default", "Options": {}, "Config": [ { "Subnet": "10.0.0.0/24", "Gateway": "10.0.0.1" } ] },
          "Internal": false, "Attachable": true,
          "Containers": {
            "b2c4": { "Name": "container-b", "EndpointID": "e2", "MacAddress": "02:42:0a:00:00:03", "IPv4Address": "10.0.0.3/24" },
            "a1b3": { "Name": "container-a", "EndpointID": "e1", "MacAddress": "02:42:0a:00:00:02", "IPv4Address": "10.0.0.2/24" }
          },
          "Options": { "com.docker.network.driver.overlay.vxlanid_list": "4097" },
          "Labels": {}
        }
        """).RootElement;

    private static readonly JsonElement Container = JsonDocument.Parse("""
        {
          "Name": "/container-a", "Image": "ubuntu:16.04", "LogPath": "/var/log/a.log",
          "Names": ["foo", "bar"],
          "Config": { "Env": ["PATH=/bin"], "Labels": { "a": "1" } },
          "NetworkSettings": {
            "Networks": { "app-overlay": { "IPAddress": "10.0.0.2" }, "bridge": { "IPAddress": "172.17.0.2" } },
            "Ports": { "8787/tcp": [ { "HostIp": "0.0.0.0", "HostPort": "8787" } ] }
          }
        }
        """).RootElement;

    private static string Run(string template, JsonElement data) => GoTemplate.Parse(template).Execute(data);

    [Fact]
    public void NetworkInspectDriver() => Assert.Equal("overlay", Run("{{.Driver}}", Network));

    [Fact]
    public void NestedField() => Assert.Equal("default", Run("{{.IPAM.Driver}}", Network));

    [Fact]
    public void JsonOfIpamConfig() =>
        Assert.Equal("""[{"Subnet":"10.0.0.0/24","Gateway":"10.0.0.1"}]""", Run("{{json .IPAM.Config}}", Network));

    [Fact]
    public void JsonOfDotIsTheWholeObjectCompact()
    {
        var output = Run("{{json .}}", Network);
        Assert.Equal(JsonSerializer.Serialize(Network), output);
        Assert.DoesNotContain("\n", output);
    }

    [Fact]
    public void RangeOverContainersMapInSortedKeyOrder() =>
        Assert.Equal("container-a container-b ", Run("{{range .Containers}}{{.Name}} {{end}}", Network));

    [Fact]
    public void RangeWithKeyAndValue() =>
        Assert.Equal("a1b3=10.0.0.2/24;b2c4=10.0.0.3/24;", Run("{{range $k, $v := .Containers}}{{$k}}={{$v.IPv4Address}};{{end}}", Network));

    [Fact]
    public void DocsInspectIpAddressAcrossNetworks() =>
        Assert.Equal("10.0.0.2172.17.0.2", Run("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", Container));

    [Fact]
    public void DocsRangeWithPrintln() =>
        Assert.Equal("10.0.0.2\n172.17.0.2\n", Run("{{range .NetworkSettings.Networks}}{{println .IPAddress}}{{end}}", Container));

    [Fact]
    public void DocsLogPath() => Assert.Equal("/var/log/a.log", Run("{{.LogPath}}", Container));

    [Fact]
    public void DocsIndexIntoPortMap() =>
        Assert.Equal("8787", Run("""{{ (index (index .NetworkSettings.Ports "8787/tcp") 0).HostPort }}""", Container));

    [Fact]
    public void IndexOnOptionsMap() =>
        Assert.Equal("4097", Run("""{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}""", Network));

    [Fact]
    public void IndexOfMissingMapKeyIsEmptyLikeGoMapOfStrings() => Assert.Equal("[]", $"[{Run("""{{index .Labels "nope"}}""", Network)}]");

    [Fact]
    public void DocsJoin() => Assert.Equal("foo , bar", Run("""{{join .Names " , "}}""", Container));

    [Fact]
    public void DocsSplit() => Assert.Equal("[ubuntu 16.04]", Run("""{{split .Image ":"}}""", Container));

    [Fact]
    public void DocsUpperLowerTitle()
    {
        Assert.Equal("APP-OVERLAY", Run("{{upper .Name}}", Network));
        Assert.Equal("app-overlay", Run("{{lower .Name}}", Network));
        Assert.Equal("App-Overlay", Run("{{title .Name}}", Network));
    }

    [Fact]
    public void DocsJsonOfConfig() => Assert.Equal("""{"Env":["PATH=/bin"],"Labels":{"a":"1"}}""", Run("{{json .Config}}", Container));

    [Fact]
    public void LenOfMapAndArray()
    {
        Assert.Equal("2", Run("{{len .Containers}}", Network));
        Assert.Equal("1", Run("{{len .IPAM.Config}}", Network));
    }

    [Fact]
    public void IfElse()
    {
        Assert.Equal("external", Run("{{if .Internal}}internal{{else}}external{{end}}", Network));
        Assert.Equal("attachable", Run("{{if .Attachable}}attachable{{else}}no{{end}}", Network));
        Assert.Equal("none", Run("{{if .Labels}}labels{{else if .Internal}}int{{else}}none{{end}}", Network));
    }

    [Fact]
    public void PrintingAMapLikeGo() =>
        Assert.Equal("map[com.docker.network.driver.overlay.vxlanid_list:4097]", Run("{{.Options}}", Network));

    [Fact]
    public void NetworkLsDocsColonFormat()
    {
        var rows = new[]
        {
            JsonDocument.Parse("""{"ID":"afaaab448eb2","Name":"bridge","Driver":"bridge"}""").RootElement,
            JsonDocument.Parse("""{"ID":"d1584f8dc718","Name":"host","Driver":"host"}""").RootElement,
        };
        var output = DockerFormat.Parse("{{.ID}}: {{.Driver}}").Render(rows, DockerHeaders.NetworkLs);
        Assert.Equal("afaaab448eb2: bridge\nd1584f8dc718: host\n", output);
    }

    [Fact]
    public void TableWithDockerHeadersAndAlignment()
    {
        var rows = new[]
        {
            JsonDocument.Parse("""{"ID":"7fca4eb8c647","Name":"bridge","Driver":"bridge","Scope":"local"}""").RootElement,
            JsonDocument.Parse("""{"ID":"9f904ee27bf5","Name":"none","Driver":"null","Scope":"local"}""").RootElement,
        };
        // Literal backslash-t as typed in a shell, like docker network ls --format "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}".
        var output = DockerFormat.Parse(@"table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}").Render(rows, DockerHeaders.NetworkLs);
        // Exactly what `docker network ls` prints (tabwriter minwidth 10, padding 3).
        Assert.Equal(
            "NETWORK ID     NAME      DRIVER    SCOPE\n" +
            "7fca4eb8c647   bridge    bridge    local\n" +
            "9f904ee27bf5   none      null      local\n", output);
    }

    [Fact]
    public void TableHeaderWithoutRows() =>
        Assert.Equal("CONTAINER ID   NAMES\n", DockerFormat.Parse(@"table {{.ID}}\t{{.Names}}").Render([], DockerHeaders.ContainerPs));

    [Fact]
    public void JsonShorthand() =>
        Assert.Equal("{\"ID\":\"x\"}\n", DockerFormat.Parse("json").Render([JsonDocument.Parse("""{"ID":"x"}""").RootElement], DockerHeaders.NetworkLs));
}
