using Weft.Cluster.Channel;
using Weft.Control.Model;

namespace Weft.Cluster.Store;

/// <summary>
/// Which keys a remote node may write (put, compare-and-swap, delete) through <see cref="StoreService"/>, beyond the
/// secrets/ rule that also covers reads. keymeta/ is the manager's own key schedule: only its local services write it (a
/// forged one could make it hand out an epoch already sealed with). keyinstalled/&lt;network&gt;/&lt;node&gt; is one node's
/// confirmation that it installed a key: only that node writes it (the name is the one in the caller's certificate).
/// </summary>
internal static class RemoteWriteRules
{
    /// <summary>Returns <paramref name="key"/> if <paramref name="caller"/> may write it, else <see cref="UnauthorizedAccessException"/>.</summary>
    public static string Writable(CallContext caller, string key, string operation)
    {
        if (key.StartsWith(Keys.KeyMetaPrefix, StringComparison.Ordinal))
            throw new UnauthorizedAccessException($"store {operation} '{key}' refused: keys under {Keys.KeyMetaPrefix} are written by the manager only");
        if (key.StartsWith(Keys.KeyInstalledPrefix, StringComparison.Ordinal))
        {
            var node = caller.RequireNodeName($"store {operation} '{key}'");
            var parts = key[Keys.KeyInstalledPrefix.Length..].Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1] != node)
                throw new UnauthorizedAccessException(
                    $"store {operation} '{key}' refused: node {node} may write only its own confirmations ({Keys.KeyInstalledPrefix}<network>/{node})");
        }
        return key;
    }
}
