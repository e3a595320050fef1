using Weft.Control.Model;

namespace Weft.Control.Store;

/// <summary>
/// Keys under <see cref="Keys.SecretsPrefix"/> (network keys): their values live only in <c>kv</c>, never in the watch
/// history, and once one is overwritten or deleted its old bytes are wiped from the file (secure_delete) and the WAL
/// (a TRUNCATE checkpoint), so a retired key is really erased and not left on disk for days.
/// </summary>
public sealed partial class SqliteClusterStore
{
    /// <summary>An overwritten or deleted secret's old pages may still be in the WAL; cleared by a completed checkpoint.</summary>
    private bool _secretPagesInWal;

    private static bool IsSecret(string key) => key.StartsWith(Keys.SecretsPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Copies every page into the database file and truncates the WAL to zero bytes. A reader holding an old snapshot
    /// (only another process can) makes it incomplete; it is then retried after the next commit and on dispose.
    /// Caller holds the gate.
    /// </summary>
    private void EraseSecretPagesFromWal()
    {
        if (!_secretPagesInWal)
        {
            return;
        }

        using var command = Command(null, "PRAGMA wal_checkpoint(TRUNCATE)");
        using var reader = command.ExecuteReader();
        _secretPagesInWal = reader.Read() && reader.GetInt64(0) != 0; // column 0 is 1 when the checkpoint was blocked
    }

    /// <summary>Blanks secret values that an older version of the store copied into the history. Runs on open.</summary>
    private void BlankSecretHistory()
    {
        var blanked = Execute(null, "UPDATE changes SET value = x'' WHERE substr(key, 1, length($p)) = $p AND length(value) > 0",
            ("$p", Keys.SecretsPrefix));
        _secretPagesInWal = blanked > 0;
        EraseSecretPagesFromWal();
    }
}
