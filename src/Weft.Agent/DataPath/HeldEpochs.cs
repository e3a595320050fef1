// Design note — which key epochs this host has ever held, per encrypted network.
// A new key ring has empty replay windows, so it must refuse every epoch under which this host may have received (and
// delivered) datagrams before: those could be replayed to it. Only epochs the host once installed qualify, because
// datagrams sealed for it (the receiver is in the associated data) under an epoch it never held were dropped, never
// delivered. So the host records, before installing an epoch, the highest epoch it holds of each network, in a small JSON
// file (0600, written to a temp file, fsynced, renamed, directory fsynced) that outlives a restart or crash. A new ring then accepts inbound
// only from the recorded epoch + 1 on; when the epoch in use is not above it (a restart, or rejoining before the next
// rotation), the ring asks for a fresh epoch instead. A host that never held a network's key (its first container there)
// needs neither, so joining a network costs no rotation and no loss.
using System.Text.Json;
using Weft.Linux;
using Weft.Linux.Files;

namespace Weft.Agent.DataPath;

/// <summary>The highest key epoch this host has installed, per encrypted network ID, kept on disk.</summary>
public sealed class HeldEpochs
{
    /// <summary>The file's name under the data directory.</summary>
    public const string FileName = "held-epochs.json";

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _path;
    private readonly Dictionary<string, uint> _highest;
    private readonly Lock _write = new();

    private HeldEpochs(string path, Dictionary<string, uint> highest)
    {
        _path = path;
        _highest = highest;
    }

    /// <summary>Reads <paramref name="path"/> (none yet: nothing held). An unreadable file is an error, never "nothing held".</summary>
    public static HeldEpochs Open(string path)
    {
        if (!File.Exists(path)) return new HeldEpochs(path, new Dictionary<string, uint>(StringComparer.Ordinal));
        try
        {
            var held = JsonSerializer.Deserialize<Dictionary<string, uint>>(File.ReadAllText(path))
                ?? throw new InvalidDataException("the file holds null");
            return new HeldEpochs(path, new Dictionary<string, uint>(held, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            throw new InvalidOperationException(
                $"read held key epochs '{path}' failed: {e.Message}; encrypted networks stay closed until it is readable (delete it only if no key ring ever used this data directory)", e);
        }
    }

    /// <summary>The highest epoch of network <paramref name="networkId"/> this host ever installed, or null if none.</summary>
    public uint? Highest(string networkId)
    {
        lock (_write) return _highest.TryGetValue(networkId, out var epoch) ? epoch : null;
    }

    /// <summary>Records that this host is about to hold <paramref name="epoch"/> of <paramref name="networkId"/>; on disk before it returns.</summary>
    public void Record(string networkId, uint epoch)
    {
        lock (_write)
        {
            if (_highest.TryGetValue(networkId, out var known) && known >= epoch) return;
            var next = new Dictionary<string, uint>(_highest, StringComparer.Ordinal) { [networkId] = epoch };
            Save(next);
            _highest[networkId] = epoch;
        }
    }

    private void Save(Dictionary<string, uint> held)
    {
        var temp = _path + ".tmp";
        try
        {
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode };
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, held);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LinuxException)
        {
            throw new InvalidOperationException($"write held key epochs '{_path}' failed: {e.Message}", e);
        }
    }
}
