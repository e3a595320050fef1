using System.Text.RegularExpressions;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;
using Weft.DataPlane.Sealing;

namespace Weft.Control.Tests.Services;

public sealed partial class NetworkServiceTests : ControlPlaneFixture
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();

    [Fact]
    public async Task Create_with_defaults_gives_overlay_vni_4096_first_24_and_underlay_mtu()
    {
        var net = await Create("app-overlay");
        Assert.Matches(Hex64(), net.Id);
        Assert.Equal(("app-overlay", "overlay", 4096, 1450, false), (net.Name, net.Driver, net.Vni, net.Mtu, net.Encrypted));
        Assert.Equal([new SubnetConfig("10.0.0.0/24", "10.0.0.1")], net.Subnets);
        Assert.Equal(Clock.GetUtcNow(), net.Created);

        var second = await Create("other");
        Assert.Equal((4097, "10.0.1.0/24"), (second.Vni, second.Subnets[0].Subnet));
    }

    [Fact]
    public async Task Everything_requested_is_stored_and_read_back()
    {
        var created = await Plane.Networks.CreateAsync(new NetworkCreateRequest
        {
            Name = "secure-net",
            Driver = "overlay",
            Subnet = "10.20.0.0/16",
            Gateway = "10.20.0.254",
            IpRange = "10.20.5.0/24",
            Options = new Dictionary<string, string> { ["encrypted"] = "", ["encryption-rotation"] = "1h30m", ["vni"] = "7000" },
            Labels = new Dictionary<string, string> { ["team"] = "web" },
            Internal = true,
            Attachable = true,
        });
        var read = await Plane.Networks.InspectAsync("secure-net");
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(new SubnetConfig("10.20.0.0/16", "10.20.0.254", "10.20.5.0/24"), read.Subnets[0]);
        Assert.Equal((7000, true, TimeSpan.FromMinutes(90), 1450 - SealFormat.Overhead, true, true), (read.Vni, read.Encrypted, read.EncryptionRotation, read.Mtu, read.Internal, read.Attachable));
        Assert.Equal("web", read.Labels["team"]);
        Assert.Equal(["encrypted", "encryption-rotation", "vni"], read.Options.Keys.Order());
        Assert.Equal(created.Created, read.Created);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    public async Task Encrypted_option_values(string value, bool on)
    {
        var net = await Create("n", options: new() { ["encrypted"] = value });
        Assert.Equal((on, on ? 1418 : 1450), (net.Encrypted, net.Mtu));
    }

    [Fact]
    public async Task Mtu_option_overrides_the_default() =>
        Assert.Equal(9000, (await Create("jumbo", options: new() { ["mtu"] = "9000", ["encrypted"] = "" })).Mtu);

    [Theory]
    [InlineData("encrypted", "yes", "invalid value 'yes' for option encrypted: use 'true', 'false' or no value")]
    [InlineData("vni", "abc", "invalid value 'abc' for option vni: expected a number 1..16777215")]
    [InlineData("vni", "0", "vni 0 is out of range: use 1..16777215")]
    [InlineData("vni", "16777216", "vni 16777216 is out of range: use 1..16777215")]
    [InlineData("mtu", "big", "invalid value 'big' for option mtu: expected a number 68..65535")]
    [InlineData("mtu", "10", "mtu 10 is out of range: use 68..65535")]
    [InlineData("encryption-rotation", "soon", "invalid value 'soon' for option encryption-rotation: expected a positive duration like 12h, 30m or 1h30m")]
    [InlineData("encryption-rotation", "12h", "option encryption-rotation needs an encrypted network: add --opt encrypted")]
    [InlineData("encrypt", "", "unknown option 'encrypt': known options are encrypted, vni, mtu, encryption-rotation, peers; pass one of them as --opt KEY[=VALUE] or leave it out")]
    public async Task Bad_options_are_refused_with_what_to_do(string key, string value, string message)
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Create("n", options: new() { [key] = value }));
        Assert.Equal(message, e.Message);
        Assert.Empty(await Plane.Networks.ListAsync());
    }

    [Fact]
    public async Task Other_drivers_are_refused_listing_the_supported_ones()
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Create("n", driver: "bridge"));
        Assert.Equal("driver 'bridge' is not supported: supported drivers are overlay", e.Message);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("-x")]
    [InlineData("")]
    [InlineData("has space")]
    public async Task Invalid_names_are_refused(string name)
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Create(name));
        Assert.Equal($"invalid network name '{name}': use up to 128 letters, digits, '_', '.' or '-', starting with a letter or digit", e.Message);
    }

    [Fact]
    public async Task Duplicate_name_says_how_to_fix_it()
    {
        await Create("app-overlay");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Create("app-overlay"));
        Assert.Equal("network app-overlay already exists: choose another name or remove it with 'weft network rm app-overlay'", e.Message);
        Assert.Single(await Plane.Networks.ListAsync());
    }

    [Fact]
    public async Task Overlapping_subnet_names_the_other_network()
    {
        await Create("app-overlay", "10.0.0.0/16");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Create("second", "10.0.1.0/24"));
        Assert.Equal("subnet 10.0.1.0/24 overlaps network app-overlay (10.0.0.0/16): choose a subnet outside it", e.Message);
    }

    [Fact]
    public async Task Default_subnets_avoid_user_subnets()
    {
        await Create("big", "10.0.0.0/16");
        Assert.Equal("10.1.0.0/24", (await Create("auto")).Subnets[0].Subnet);
    }

    [Theory]
    [InlineData("10.0.1.0/24", "10.9.0.1", null, "gateway 10.9.0.1 is outside subnet 10.0.1.0/24: pick an address inside it")]
    [InlineData("10.0.1/24", null, null, "invalid subnet '10.0.1/24': expected IPv4 CIDR notation like 10.0.1.0/24")]
    [InlineData("10.0.1.7/24", null, null, "invalid subnet 10.0.1.7/24: it should be 10.0.1.0/24")]
    [InlineData("10.0.1.0/24", null, "10.0.9.0/24", "ip-range 10.0.9.0/24 is outside subnet 10.0.1.0/24: pick a range inside it")]
    public async Task Bad_subnet_gateway_or_range_is_refused_and_claims_nothing(string subnet, string? gateway, string? range, string message)
    {
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Create("app-overlay", subnet, gateway, range));
        Assert.Equal(message, e.Message);
        var retry = await Create("app-overlay");
        Assert.Equal((4096, "10.0.0.0/24"), (retry.Vni, retry.Subnets[0].Subnet));
    }

    [Fact]
    public async Task Exhausted_default_pool_says_to_pass_a_subnet()
    {
        await Create("everything", "10.0.0.0/8");
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Create("more"));
        Assert.Equal("address pool 10.0.0.0/8 is exhausted: pass --subnet", e.Message);
        Assert.Equal("192.168.0.0/24", (await Create("more", "192.168.0.0/24")).Subnets[0].Subnet);
    }

    [Fact]
    public async Task Taken_vni_is_refused_and_the_name_stays_free()
    {
        await Create("first", options: new() { ["vni"] = "5000" });
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Create("second", options: new() { ["vni"] = "5000" }));
        Assert.Equal("vni 5000 is already used by network first: choose another vni or omit it", e.Message);
        Assert.Equal(4096, (await Create("second")).Vni);
    }

    [Fact]
    public async Task Inspect_by_name_full_id_and_unique_prefix()
    {
        var net = await Create("app-overlay");
        Assert.Equal(net.Id, (await Plane.Networks.InspectAsync("app-overlay")).Id);
        Assert.Equal(net.Id, (await Plane.Networks.InspectAsync(net.Id)).Id);
        Assert.Equal(net.Id, (await Plane.Networks.InspectAsync(net.Id[..12])).Id);
        Assert.Equal(net.Id, (await Plane.Networks.InspectAsync(net.Id[..5].ToUpperInvariant())).Id);
    }

    [Fact]
    public async Task Unknown_network_says_how_to_list_them()
    {
        var e = await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Networks.InspectAsync("nope"));
        Assert.Equal("network nope not found: list networks with 'weft network ls'", e.Message);
        Assert.Null(await Plane.Networks.FindAsync("nope"));
    }

    [Fact]
    public async Task Ambiguous_id_prefix_is_refused()
    {
        var ids = new List<string>();
        for (var i = 0; i < 17; i++)
        {
            ids.Add((await Create($"n{i}")).Id);
        }

        var shared = ids.GroupBy(id => id[0]).First(g => g.Count() > 1);
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => Plane.Networks.InspectAsync(shared.Key.ToString()));
        Assert.Equal($"network id prefix '{shared.Key}' is ambiguous ({shared.Count()} networks match): give more characters or the name", e.Message);
    }

    [Fact]
    public async Task List_is_ordered_by_name()
    {
        await Create("zeta");
        await Create("alpha");
        await Create("mid");
        Assert.Equal(["alpha", "mid", "zeta"], (await Plane.Networks.ListAsync()).Select(n => n.Name));
    }

    [Fact]
    public async Task Remove_is_refused_while_containers_are_attached_then_frees_everything()
    {
        var net = await Create("app-overlay", "10.0.0.0/16", options: new() { ["vni"] = "5000" });
        await Plane.Endpoints.CreateAsync("app-overlay", "container-b", "h2");
        await Plane.Endpoints.CreateAsync("app-overlay", "container-a", "h1");

        var e = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Networks.RemoveAsync("app-overlay"));
        Assert.Equal("network app-overlay has 2 containers (container-a, container-b): remove them first with 'weft rm container-a container-b' " +
            "or disconnect each with 'weft network disconnect app-overlay CONTAINER'", e.Message);

        await Plane.Endpoints.RemoveAsync("app-overlay", "container-a");
        var one = await Assert.ThrowsAsync<WeftConflictException>(() => Plane.Networks.RemoveAsync(net.Id));
        Assert.StartsWith("network app-overlay has 1 container (container-b): remove them first with 'weft rm container-b' ", one.Message);
        await Plane.Endpoints.RemoveAsync("app-overlay", "container-b");

        Assert.Equal(net.Id, (await Plane.Networks.RemoveAsync(net.Id[..10])).Id);
        await Assert.ThrowsAsync<WeftNotFoundException>(() => Plane.Networks.InspectAsync("app-overlay"));
        Assert.Empty(await Store.ListAsync(Keys.IpamPrefix));
        Assert.Empty(await Store.ListAsync(Keys.VniPrefix));
        Assert.Empty(await Store.ListAsync("names/"));

        var again = await Create("app-overlay", "10.0.0.0/16", options: new() { ["vni"] = "5000" });
        Assert.NotEqual(net.Id, again.Id);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_have_one_winner()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Create("race");
                return true;
            }
            catch (WeftConflictException)
            {
                return false;
            }
        })));
        Assert.Single(results, won => won);
        Assert.Single(await Plane.Networks.ListAsync());
        Assert.Single(await Store.ListAsync(Keys.VniPrefix));
    }

    [Fact]
    public async Task Concurrent_creates_of_many_networks_get_distinct_vnis_and_subnets()
    {
        var nets = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Create($"n{i}"))));
        Assert.Equal(12, nets.Select(n => n.Vni).Distinct().Count());
        Assert.Equal(12, nets.Select(n => n.Subnets[0].Subnet).Distinct().Count());
    }
}
