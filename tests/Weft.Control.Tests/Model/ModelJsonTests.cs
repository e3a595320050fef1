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
