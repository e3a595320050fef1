using System.Buffers.Binary;
using System.IO.Hashing;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// The host's 64-bit seal counter, which never hands out a number twice — also across an agent restart or crash.
///
/// Numbers are reserved ahead in blocks (<see cref="DefaultReservation"/>, 2^20): before any number at or above the
/// reserved mark is used, the new mark is written to a small state file and fsync'd. After a restart the counter resumes at
/// the saved mark, so every number used before the crash (all below that mark) is skipped; at most one block is wasted per
/// restart. Half way through a block the next one is reserved on a thread-pool thread, so senders rarely wait for the disk.
/// As a second floor the counter also starts no lower than the wall clock in nanoseconds since 1970 (no host sends
/// a packet per nanosecond), which protects against a lost state file as long as the clock did not go back.
///
/// The file holds two 16-byte slots (magic, mark, CRC-32) written alternately in place: a write torn by a crash damages
/// only the slot being written, whose mark was never used because its fsync had not returned. The file is created 0600 and
/// locked (flock) while open, so two agents never share it. One counter serves every network and key of the host: each
/// number is used once overall, so (key, nonce) never repeats whatever the key.
/// </summary>
public sealed class NonceCounter : IDisposable
{
    public const ulong DefaultReservation = 1UL << 20;
    private const int SlotSize = 16;
    private const uint Magic = 0x57464E31; // "WFN1"
    private readonly FileStream _file;
    private readonly ulong _reservation;
    private readonly Lock _reserveLock = new();
    private ulong _next;
    private ulong _reserved;
    private int _slot;
    private long _reservationsQueued;

    private NonceCounter(string path, FileStream file, ulong start, ulong reservation, int slot)
    {
        Path = path;
        _file = file;
        _next = start;
        _reserved = start;
        _reservation = reservation;
        _slot = slot;
    }

    /// <summary>The state file.</summary>
    public string Path { get; }

    /// <summary>The mark on disk: every number handed out so far is below it.</summary>
    public ulong Reserved => Volatile.Read(ref _reserved);

    /// <summary>
    /// How many background reservations of the next block have been queued (decided synchronously in <see cref="TryNext"/>,
    /// so a test sees "not yet" without sleeping).
    /// </summary>
    public long ReservationsQueued => Interlocked.Read(ref _reservationsQueued);

    /// <summary>
    /// Opens (or creates, mode 0600, in a directory created 0700 if missing) the state file at <paramref name="path"/> and
    /// reserves the first block. Throws <see cref="IOException"/> naming the file when it cannot be read, locked or written,
    /// and <see cref="InvalidDataException"/> when both slots are damaged (refusing to guess where to resume).
    /// </summary>
    public static NonceCounter Open(string path, ulong reservation = DefaultReservation, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(reservation);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("nonce counter state needs Unix file modes");
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        FileStream file;
        try
        {
            if (directory is not null && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"open nonce counter state '{path}': {e.Message}", e);
        }
        try
        {
            var (saved, slot) = ReadMark(file, path);
            var clock = (ulong)Math.Max(0, (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds()) * 1_000_000UL;
            var counter = new NonceCounter(path, file, Math.Max(saved, clock), reservation, slot);
            if (!counter.TryReserve(out var error)) throw new IOException($"reserve nonces in '{path}': {error}");
            return counter;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next number; false (never an exception: this is the data path) only when a new block could not be made durable
    /// (disk error, file closed) or the 64-bit space is exhausted. The caller must then not seal.
    /// </summary>
    public bool TryNext(out ulong value)
    {
        value = Interlocked.Increment(ref _next) - 1;
        var reserved = Volatile.Read(ref _reserved);
        if (value < reserved)
        {
            // Half way through a block exactly one caller gets this value: it has the next block reserved in the
            // background, so the data path does not wait for the fsync unless it overtakes the disk.
            if (value == reserved - (_reservation / 2) && _reservation > 1)
            {
                Interlocked.Increment(ref _reservationsQueued);
                ThreadPool.UnsafeQueueUserWorkItem(ReserveAhead, this, preferLocal: false);
            }
            return true;
        }
        lock (_reserveLock)
        {
            while (value >= _reserved)
            {
                if (!TryReserve(out _)) return false;
            }
        }
        return true;
    }

    /// <summary>Closes the state file once an in-flight background reservation has finished with it (its lock goes with it).</summary>
    public void Dispose()
    {
        lock (_reserveLock) _file.Dispose();
    }

    private static void ReserveAhead(NonceCounter counter)
    {
        lock (counter._reserveLock)
        {
            // Skip when a waiting caller already extended the reservation past the half-way point again.
            if (counter._reserved - Math.Min(Volatile.Read(ref counter._next), counter._reserved) <= counter._reservation / 2)
            {
                counter.TryReserve(out _); // on failure the next caller past the mark retries synchronously
            }
        }
    }

    private bool TryReserve(out string? error)
    {
        error = null;
        var current = _reserved;
        if (current > ulong.MaxValue - _reservation)
        {
            error = "64-bit counter exhausted";
            return false;
        }
        var mark = current + _reservation;
        Span<byte> slot = stackalloc byte[SlotSize];
        BinaryPrimitives.WriteUInt32BigEndian(slot, Magic);
        BinaryPrimitives.WriteUInt64BigEndian(slot[4..], mark);
        BinaryPrimitives.WriteUInt32BigEndian(slot[12..], Crc32.HashToUInt32(slot[..12]));
        try
        {
            var target = _slot ^ 1; // never overwrite the slot holding the mark in force
            RandomAccess.Write(_file.SafeFileHandle, slot, target * SlotSize);
            _file.Flush(flushToDisk: true);
            _slot = target;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
        Volatile.Write(ref _reserved, mark);
        return true;
    }

    /// <summary>The highest valid mark in the file (0 for a new, empty file) and the slot holding it.</summary>
    private static (ulong Mark, int Slot) ReadMark(FileStream file, string path)
    {
        Span<byte> content = stackalloc byte[2 * SlotSize];
        var length = RandomAccess.Read(file.SafeFileHandle, content, 0);
        if (length == 0) return (0, 1);
        var best = (Mark: 0UL, Slot: -1);
        for (var i = 0; i < 2; i++)
        {
            var slot = content.Slice(i * SlotSize, SlotSize);
            if ((i + 1) * SlotSize > length || BinaryPrimitives.ReadUInt32BigEndian(slot) != Magic) continue;
            if (BinaryPrimitives.ReadUInt32BigEndian(slot[12..]) != Crc32.HashToUInt32(slot[..12])) continue;
            var mark = BinaryPrimitives.ReadUInt64BigEndian(slot[4..]);
            if (best.Slot < 0 || mark > best.Mark) best = (mark, i);
        }
        if (best.Slot < 0) throw new InvalidDataException($"nonce counter state '{path}' is damaged (no valid slot); refusing to guess where to resume");
        return best;
    }
}
