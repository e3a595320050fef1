using System.Text;
using Weft.Control.Model;

namespace Weft.Control.Tests.Model;

public sealed class ModelJsonTests
{
    [Fact]
    public void Network_round_trips_with_camel_case_names()
    {
        var network = new Network
        {
            Id = Ids.New(),
            Name = "secure-net",
            Driver = "overlay",
            Vni = 4096,
            Subnets = [new SubnetConfig("10.0.0.0/24", "10.0.0.1", "10.0.0.128/25")],
            Mtu = 1450,
            Options = new Dictionary<string, string> { ["encrypted"] = "" },
            Encrypted = true,
            EncryptionRotation = TimeSpan.FromHours(12),
            Labels = new Dictionary<string, string> { ["a"] = "b" },
            Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        var json = ModelJson.Serialize(network);
        var text = Encoding.UTF8.GetString(json);
        Assert.Contains("\"vni\":4096", text, StringComparison.Ordinal);
        Assert.Contains("\"ipRange\":\"10.0.0.128/25\"", text, StringComparison.Ordinal);
        Assert.Contains("\"encrypted\":true", text, StringComparison.Ordinal);

        var back = ModelJson.Deserialize<Network>(json);
        Assert.Equal(network.Subnets, back.Subnets);
        Assert.Equal((network.Id, network.Vni, network.EncryptionRotation, network.Created), (back.Id, back.Vni, back.EncryptionRotation, back.Created));
        Assert.Equal("b", back.Labels["a"]);
    }

    [Fact]
    public void External_peers_and_auxiliary_addresses_round_trip()
    {
        var network = new Network
        {
            Id = Ids.New(), Name = "n1", Driver = "overlay", Vni = 4096, Mtu = 1450, Created = DateTimeOffset.UnixEpoch,
            Subnets = [new SubnetConfig("10.9.0.0/24", "10.9.0.1") { AuxiliaryAddresses = new Dictionary<string, string> { ["router"] = "10.9.0.2" } }],
            ExternalPeers = ["192.0.2.10", "192.0.2.11"],
        };
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(network));
        Assert.Contains("\"externalPeers\":[\"192.0.2.10\",\"192.0.2.11\"]", text, StringComparison.Ordinal);
        Assert.Contains("\"auxiliaryAddresses\":{\"router\":\"10.9.0.2\"}", text, StringComparison.Ordinal);

        var back = ModelJson.Deserialize<Network>(Encoding.UTF8.GetBytes(text));
        Assert.Equal(network.ExternalPeers, back.ExternalPeers);
        Assert.Equal(network.Subnets[0].AuxiliaryAddresses, back.Subnets[0].AuxiliaryAddresses);
    }

    [Fact]
    public void A_network_stored_before_peers_and_aux_addresses_reads_as_having_none()
    {
        const string stored = """
            {"id":"ab","name":"old","driver":"overlay","vni":4096,"subnets":[{"subnet":"10.0.0.0/24","gateway":"10.0.0.1"}],
             "mtu":1450,"options":{},"encrypted":false,"internal":false,"attachable":false,"labels":{},"created":"2026-01-02T03:04:05+00:00"}
            """;
        var network = ModelJson.Deserialize<Network>(Encoding.UTF8.GetBytes(stored));
        Assert.NotNull(network.ExternalPeers);
        Assert.Empty(network.ExternalPeers);
        Assert.Null(network.Subnets[0].AuxiliaryAddresses);
        Assert.Equal(new SubnetConfig("10.0.0.0/24", "10.0.0.1"), network.Subnets[0]);
    }

    [Fact]
    public void Node_enums_are_lowercase_strings()
    {
        var node = new Node { Id = "n1", Name = "h1", UnderlayAddress = "198.51.100.1", Role = NodeRole.Manager, State = NodeState.Down, LastSeen = DateTimeOffset.UnixEpoch };
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(node));
        Assert.Contains("\"role\":\"manager\"", text, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"down\"", text, StringComparison.Ordinal);
        Assert.Equal(node, ModelJson.Deserialize<Node>(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Ids_are_64_hex_and_short_form_is_12() =>
        Assert.Equal(12, Ids.Short(Ids.New()).Length);
}
