using System.Text.Json;
using Weft.Control.Errors;
using Weft.Control.Store;

namespace Weft.Cluster.Channel;

/// <summary>
/// Carries an exception across the channel as (kind, message) and raises the matching type on the caller's side,
/// so a caller of a remote store sees the same exception types as a caller of the local one.
/// </summary>
internal static class RemoteErrors
{
    public static (string Kind, string Message) Describe(Exception e) => e switch
    {
        StoreCompactedException => ("store-compacted", e.Message),
        WeftNotFoundException => ("weft-not-found", e.Message),
        WeftConflictException => ("weft-conflict", e.Message),
        WeftInvalidArgumentException => ("weft-invalid-argument", e.Message),
        ArgumentException => ("argument", e.Message),
        UnauthorizedAccessException => ("refused", e.Message),
        KeyNotFoundException => ("not-found", e.Message),
        InvalidOperationException => ("invalid-operation", e.Message),
        OperationCanceledException => ("cancelled", e.Message),
        InvalidDataException => ("bad-request", e.Message),
        ClusterException => ("cluster", e.Message),
        _ => ("internal", $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Machine-readable extras an exception type needs to be rebuilt on the caller's side.</summary>
    public static JsonElement? DetailOf(Exception e) => e is StoreCompactedException c
        ? JsonSerializer.SerializeToElement(new CompactedDetail(c.RequestedRevision, c.CompactedRevision, c.CurrentRevision))
        : null;

    public static Exception Raise(string? kind, string? message, string method, JsonElement? detail = null)
    {
        message ??= "no message";
        if (kind == "store-compacted" && detail?.Deserialize<CompactedDetail>() is { } c)
            return new StoreCompactedException(c.Requested, c.Compacted, c.Current);
        return kind switch
        {
            "weft-not-found" => new WeftNotFoundException(message),
            "weft-conflict" => new WeftConflictException(message),
            "weft-invalid-argument" => new WeftInvalidArgumentException(message),
            "argument" => new ArgumentException(message),
            "refused" => new UnauthorizedAccessException(message),
            "not-found" => new KeyNotFoundException(message),
            "invalid-operation" => new InvalidOperationException(message),
            "cancelled" => new OperationCanceledException(message),
            _ => new ClusterRemoteException(kind ?? "internal", $"cluster call '{method}' failed on the remote node: {message}"),
        };
    }
}

internal sealed record CompactedDetail(long Requested, long Compacted, long Current);
