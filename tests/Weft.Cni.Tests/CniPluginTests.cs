using System.Text.Json;

namespace Weft.Cni.Tests;

/// <summary>The plugin's side of the CNI protocol: environment and stdin in, the spec's JSON out, the right error codes.</summary>
public sealed class CniPluginTests
{
    private const string Netns = "/run/netns/cni-test";
    private readonly FakeBackend _backend = new();
    private string? _socket;

    private static string Config(string version = "1.0.0", string extra = "") =>
        $$"""{"cniVersion":"{{version}}","name":"app","type":"weft-cni"{{extra}}}""";

    private async Task<(int Exit, JsonElement Output)> Run(string command, string stdin, string? netns = Netns, string? args = null, string containerId = "c0ffee")
    {
        var env = new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = containerId, ["CNI_NETNS"] = netns, ["CNI_IFNAME"] = "eth0", ["CNI_ARGS"] = args,
        };
        var stdout = new StringWriter();
        var exit = await CniPlugin.RunAsync(k => env.GetValueOrDefault(k), new StringReader(stdin), stdout, socket =>
        {
            _socket = socket;
            return _backend;
        }, CancellationToken.None);
        var text = stdout.ToString();
        return (exit, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Version_lists_every_supported_version_down_to_0_4_0()
    {
        var (exit, output) = await Run("VERSION", "");
        Assert.Equal(0, exit);
        Assert.Equal("1.1.0", output.GetProperty("cniVersion").GetString());
        Assert.Equal(["0.4.0", "1.0.0", "1.1.0"], output.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()!));
    }

    [Fact]
    public async Task Add_asks_weftd_on_the_configured_socket_for_the_configured_network_and_prints_a_1_0_result()
    {
        var (exit, result) = await Run("ADD", Config(extra: ""","network":"app-overlay","socket":"/run/weft/h1.sock" """), args: "IgnoreUnknown=1;K8S_POD_NAME=web");
        Assert.Equal(0, exit);
        Assert.Equal("/run/weft/h1.sock", _socket);
        var (command, request) = Assert.Single(_backend.Calls);
        Assert.Equal(("ADD", "app-overlay", "c0ffee", "eth0", Netns, "web"), (command, request.Network, request.ContainerId, request.IfName, request.Netns, request.Name));

        // The spec's result: interfaces with their sandbox, ips pointing at them by index, dns (here empty).
        Assert.Equal("1.0.0", result.GetProperty("cniVersion").GetString());
        var iface = Assert.Single(result.GetProperty("interfaces").EnumerateArray());
        Assert.Equal(("eth0", "02:42:0a:00:00:05", Netns), (iface.GetProperty("name").GetString(), iface.GetProperty("mac").GetString(), iface.GetProperty("sandbox").GetString()));
        var ip = Assert.Single(result.GetProperty("ips").EnumerateArray());
        Assert.Equal(("10.0.0.5/24", "10.0.0.1", 0), (ip.GetProperty("address").GetString(), ip.GetProperty("gateway").GetString(), ip.GetProperty("interface").GetInt32()));
        Assert.False(ip.TryGetProperty("version", out _)); // 1.0 dropped it
        Assert.Equal(JsonValueKind.Object, result.GetProperty("dns").ValueKind);
    }

    [Fact]
    public async Task A_0_4_0_configuration_gets_a_0_4_0_result_and_the_network_defaults_to_the_configurations_name()
    {
        var (exit, result) = await Run("ADD", Config("0.4.0"));
        Assert.Equal(0, exit);
        Assert.Equal("app", _backend.Calls.Single().Request.Network);
        Assert.Equal(CniConfig.DefaultSocket, _socket);
        Assert.Equal("0.4.0", result.GetProperty("cniVersion").GetString());
        Assert.Equal("4", result.GetProperty("ips")[0].GetProperty("version").GetString());
    }

    [Fact]
    public async Task Del_needs_no_namespace_and_prints_nothing()
    {
        var (exit, output) = await Run("DEL", Config(), netns: null);
        Assert.Equal(0, exit);
        Assert.Equal(JsonValueKind.Undefined, output.ValueKind);
        Assert.Equal("DEL", _backend.Calls.Single().Command);
    }

    [Fact]
    public async Task Gc_hands_weftd_the_attachments_the_runtime_still_knows()
    {
        var (exit, _) = await Run("GC", Config("1.1.0", ""","cni.dev/valid-attachments":[{"containerID":"a1","ifname":"eth0"},{"containerID":"b2","ifname":"net1"}]"""));
        Assert.Equal(0, exit);
        var (command, request) = Assert.Single(_backend.Calls);
        Assert.Equal(("GC", "app", "a1/eth0,b2/net1"), (command, request.Network, request.ContainerId));
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.1.0","name":"app","cni.dev/valid-attachments":{}}""", "must be an array")]
    [InlineData("""{"cniVersion":"1.1.0","name":"app","cni.dev/valid-attachments":[{"containerID":"a1"}]}""", "is not {")]
    public async Task A_malformed_valid_attachments_list_is_an_invalid_configuration(string stdin, string message)
    {
        var (exit, error) = await Run("GC", stdin);
        Assert.Equal((1, CniCodes.InvalidNetworkConfig), (exit, error.GetProperty("code").GetInt32()));
        Assert.Contains(message, error.GetProperty("msg").GetString());
        Assert.Empty(_backend.Calls);
    }

    [Theory]
    [InlineData("not json", CniCodes.DecodeFailure, "not JSON")]
    [InlineData("[1,2]", CniCodes.DecodeFailure, "JSON object")]
    [InlineData("""{"name":"app"}""", CniCodes.InvalidNetworkConfig, "no cniVersion")]
    [InlineData("""{"cniVersion":"1.0.0"}""", CniCodes.InvalidNetworkConfig, "no name")]
    [InlineData("""{"cniVersion":"0.3.1","name":"app"}""", CniCodes.IncompatibleVersion, "0.3.1 is not supported")]
    [InlineData("""{"cniVersion":"1.0.0","name":"app","socket":"weftd.sock"}""", CniCodes.InvalidNetworkConfig, "absolute path")]
    [InlineData("""{"cniVersion":"1.0.0","name":"app","network":7}""", CniCodes.InvalidNetworkConfig, "must be a string")]
    public async Task A_malformed_configuration_is_a_cni_error_with_the_specs_code_and_weftd_is_never_asked(string stdin, int code, string message)
    {
        var (exit, error) = await Run("ADD", stdin);
        Assert.Equal(1, exit);
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Contains(message, error.GetProperty("msg").GetString());
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Missing_environment_and_unknown_commands_are_code_4()
    {
        Assert.Equal(CniCodes.InvalidEnvironment, (await Run("ADD", Config(), netns: "")).Output.GetProperty("code").GetInt32());
        Assert.Equal(CniCodes.InvalidEnvironment, (await Run("ADD", Config(), containerId: "")).Output.GetProperty("code").GetInt32());
        var unknown = (await Run("FROB", Config())).Output;
        Assert.Equal(CniCodes.InvalidEnvironment, unknown.GetProperty("code").GetInt32());
        Assert.Contains("FROB is not supported", unknown.GetProperty("msg").GetString());
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Weftds_errors_reach_the_runtime_as_cni_errors_and_status_says_the_plugin_is_not_available()
    {
        _backend.Failure = new CniException(CniCodes.TryAgainLater, "weftd does not answer on /run/weft/weftd.sock: start it");
        var (exit, error) = await Run("ADD", Config());
        Assert.Equal((1, CniCodes.TryAgainLater), (exit, error.GetProperty("code").GetInt32()));
        Assert.Equal("1.0.0", error.GetProperty("cniVersion").GetString());
        Assert.Contains("/run/weft/weftd.sock", error.GetProperty("msg").GetString());

        var status = (await Run("STATUS", Config("1.1.0"))).Output;
        Assert.Equal(CniCodes.PluginNotAvailable, status.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("IgnoreUnknown=1;K8S_POD_NAME=web;K8S_POD_NAMESPACE=default", "K8S_POD_NAME", "web")]
    [InlineData("K8S_POD_NAMESPACE=default", "K8S_POD_NAME", null)]
    [InlineData(null, "K8S_POD_NAME", null)]
    [InlineData("A=b=c", "A", "b=c")]
    public void Cni_args_are_key_value_pairs_separated_by_semicolons(string? args, string key, string? value) =>
        Assert.Equal(value, CniPlugin.Argument(args, key));
}
