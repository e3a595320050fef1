using System.Text.Json;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Support;

/// <summary>The independent observer: iproute2's JSON output (<c>ip -j</c>, <c>bridge -j</c>) parsed with System.Text.Json.</summary>
public static class Ip
{
    public static JsonElement Json(string ns, params string[] args) => Run("ip", ns, args);

    public static JsonElement Bridge(string ns, params string[] args) => Run("bridge", ns, args);

    /// <summary>The <c>ip -d -j link show dev NAME</c> object, or null when the link does not exist in <paramref name="ns"/>.</summary>
    public static JsonElement? Link(string ns, string name)
    {
        foreach (var link in Json(ns, "-d", "link", "show").EnumerateArray())
            if (link.GetProperty("ifname").GetString() == name) return link;
        return null;
    }

    public static IReadOnlyList<string> LinkNames(string ns) =>
        Json(ns, "link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).ToList();

    /// <summary>"a.b.c.d/len" for every address on the link.</summary>
    public static IReadOnlyList<string> Addresses(string ns, string dev) =>
        Json(ns, "addr", "show", "dev", dev).EnumerateArray()
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray())
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")
            .ToList();

    public static string? Str(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static IReadOnlyList<string> NamespaceNames() =>
        Tool.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();

    public static ToolResult Exec(string ns, params string[] command) =>
        Tool.Run("ip", new[] { "netns", "exec", ns }.Concat(command), TimeSpan.FromSeconds(10));

    private static JsonElement Run(string tool, string ns, string[] args)
    {
        var result = Tool.Run(tool, new[] { "-j", "-n", ns }.Concat(args), TimeSpan.FromSeconds(10))
            .EnsureSuccess($"{tool} -j -n {ns} {string.Join(' ', args)}");
        var text = string.IsNullOrWhiteSpace(result.StdOut) ? "[]" : result.StdOut;
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
