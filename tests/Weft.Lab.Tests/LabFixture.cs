using System.Text.Json;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// A unique lab prefix per test ("wt" + 4 hex) and cleanup by exact name in Dispose, even when the test
/// failed: first <see cref="LabTopology.Down"/>, then <c>ip netns del</c> for anything left with the prefix.
/// Observations go through iproute2 (<c>ip netns list</c>, <c>ip -j</c>) and ping, never through Weft.
/// </summary>
public sealed class LabFixture : IDisposable
{
    public string Prefix { get; } = "wt" + Random.Shared.Next(0x10000).ToString("x4");

    public IReadOnlyList<string> LabNamespaces() =>
        NamespaceNames().Where(n => n == $"{Prefix}-net" || n.StartsWith($"{Prefix}-h", StringComparison.Ordinal)).Order().ToList();

    public static IReadOnlyList<string> NamespaceNames() =>
        Tool.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();

    public static JsonElement Json(string ns, params string[] args)
    {
        var r = Tool.Run("ip", new[] { "-j", "-n", ns }.Concat(args), TimeSpan.FromSeconds(10)).EnsureSuccess($"ip -j -n {ns} {string.Join(' ', args)}");
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(r.StdOut) ? "[]" : r.StdOut);
        return doc.RootElement.Clone();
    }

    /// <summary>(ifindex, name) of every link in the namespace, for "nothing was recreated" checks.</summary>
    public static List<(int, string)> Links(string ns) =>
        Json(ns, "link", "show").EnumerateArray().Select(l => (l.GetProperty("ifindex").GetInt32(), l.GetProperty("ifname").GetString()!)).Order().ToList();

    public static bool Ping(string fromNs, string address) =>
        Tool.Run("ip", ["netns", "exec", fromNs, "ping", "-c1", "-W1", address], TimeSpan.FromSeconds(5)).ExitCode == 0;

    public void Dispose()
    {
        try
        {
            LabTopology.Down(Prefix);
        }
        finally
        {
            foreach (var name in LabNamespaces()) Tool.Run("ip", "netns", "del", name);
        }
    }
}
