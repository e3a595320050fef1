using System.Security.Cryptography;
using System.Text.Json;
using Weft.TestSupport;

namespace Weft.Wire.Tests.Support;

/// <summary>
/// Two lab namespaces "&lt;p&gt;-a" and "&lt;p&gt;-b" joined by a veth pair (underlay 198.51.100.1/.2), each with a kernel
/// vxlan device vx0 (VNI, UDP 4789) carrying 10.r.s.1/.2. The prefix p is "wt" + 4 random hex digits, so parallel runs
/// and leftovers never collide. Nothing touches the root namespace; Dispose stops the capture by PID and deletes both
/// namespaces by exact name (which removes the veth and vxlan devices with them), also after a failure.
/// </summary>
public sealed class KernelVxlanLab : IDisposable
{
    private PacketCapture? _capture;

    public KernelVxlanLab(uint vni)
    {
        Prefix = "wt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        NamespaceA = Prefix + "-a";
        NamespaceB = Prefix + "-b";
        VethA = Prefix + "va";
        VethB = Prefix + "vb";
        Vni = vni;
        var r = RandomNumberGenerator.GetBytes(2);
        var overlayA = IPv4Address.Parse($"10.{r[0]}.{r[1]}.1");
        var overlayB = IPv4Address.Parse($"10.{r[0]}.{r[1]}.2");
        var underlayA = IPv4Address.Parse("198.51.100.1");
        var underlayB = IPv4Address.Parse("198.51.100.2");
        try
        {
            Ip("netns", "add", NamespaceA);
            Ip("netns", "add", NamespaceB);
            Ip("-n", NamespaceA, "link", "add", VethA, "type", "veth", "peer", "name", VethB, "netns", NamespaceB);
            Ip("-n", NamespaceA, "addr", "add", $"{underlayA}/24", "dev", VethA);
            Ip("-n", NamespaceB, "addr", "add", $"{underlayB}/24", "dev", VethB);
            Ip("-n", NamespaceA, "link", "set", VethA, "up");
            Ip("-n", NamespaceB, "link", "set", VethB, "up");
            AddVxlan(NamespaceA, VethA, underlayA, underlayB, overlayA);
            AddVxlan(NamespaceB, VethB, underlayB, underlayA, overlayB);
            A = new VxlanEnd(underlayA, overlayA, DeviceMac(NamespaceA));
            B = new VxlanEnd(underlayB, overlayB, DeviceMac(NamespaceB));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; }
    public string NamespaceA { get; }
    public string NamespaceB { get; }
    public string VethA { get; }
    public string VethB { get; }
    public uint Vni { get; }
    public VxlanEnd A { get; } = null!;
    public VxlanEnd B { get; } = null!;

    /// <summary>Starts tcpdump on A's veth writing UDP 4789 to <paramref name="pcapPath"/>; returns once it listens.</summary>
    public void StartCapture(string pcapPath) => _capture = PacketCapture.Start(NamespaceA, VethA, pcapPath, "udp", "port", "4789");

    /// <summary>Stops tcpdump (SIGTERM by PID, so it closes the file) and waits for it.</summary>
    public void StopCapture()
    {
        _capture?.Stop();
        _capture = null;
    }

    public ToolResult PingFromA(int count) =>
        Tool.Run("ip", ["netns", "exec", NamespaceA, "ping", "-c", count.ToString(), "-i", "0.2", "-W", "2", B.Overlay.ToString()], TimeSpan.FromSeconds(20));

    public void Dispose()
    {
        StopCapture();
        foreach (var ns in new[] { NamespaceA, NamespaceB }) Tool.Run("ip", "netns", "del", ns);
        // Namespace deletion is asynchronous: wait until both names are gone.
        for (var i = 0; i < 50 && Tool.Run("ip", "netns", "list").StdOut.Contains(Prefix + "-"); i++) Thread.Sleep(100);
    }

    private void AddVxlan(string ns, string veth, IPv4Address local, IPv4Address remote, IPv4Address overlay)
    {
        Ip("-n", ns, "link", "add", "vx0", "type", "vxlan", "id", Vni.ToString(), "dstport", "4789",
            "local", local.ToString(), "remote", remote.ToString(), "dev", veth);
        Ip("-n", ns, "addr", "add", $"{overlay}/24", "dev", "vx0");
        Ip("-n", ns, "link", "set", "vx0", "up");
    }

    /// <summary>The vxlan device's MAC as <c>ip -j</c> reports it (the kernel chose it at random).</summary>
    private static MacAddress DeviceMac(string ns)
    {
        var json = Ip("-j", "-n", ns, "link", "show", "vx0").StdOut;
        using var doc = JsonDocument.Parse(json);
        return MacAddress.Parse(doc.RootElement[0].GetProperty("address").GetString()!);
    }

    private static ToolResult Ip(params string[] args) => Tool.Run("ip", args).EnsureSuccess("ip " + string.Join(' ', args));
}
