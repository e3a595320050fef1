using System.Text.Json.Nodes;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>Runs an observer that prints a JSON array (<c>ip -j</c>, <c>bridge -j</c>) and returns its objects; throws when it fails.</summary>
public static class JsonObserver
{
    public static IEnumerable<JsonObject> Read(string tool, params string[] args)
    {
        var output = Tool.Run(tool, args).EnsureSuccess($"{tool} {string.Join(' ', args)}").StdOut;
        return string.IsNullOrWhiteSpace(output) ? [] : JsonNode.Parse(output)!.AsArray().Select(n => n!.AsObject());
    }
}
