using Microsoft.Extensions.Time.Testing;
using Weft.DataPlane.Sealing;
using Weft.DataPlane.Tests.Fakes;

namespace Weft.DataPlane.Tests.Sealing;

public sealed class NonceCounterTests : IDisposable
{
    // A clock at the Unix epoch disables the clock floor, so these tests see the file's marks alone.
    private static readonly FakeTimeProvider Epoch = new(DateTimeOffset.UnixEpoch);
    private readonly SealKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private static List<ulong> Take(NonceCounter counter, int count)
    {
        var taken = new List<ulong>(count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(counter.TryNext(out var value));
            taken.Add(value);
        }
        return taken;
    }

    [Fact]
    public void Hands_out_increasing_numbers_and_reserves_ahead_on_disk()
    {
        var path = _kit.StatePath("a");
        using var counter = NonceCounter.Open(path, reservation: 100, time: Epoch);
        Assert.Equal(100UL, counter.Reserved);
        var taken = Take(counter, 250);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => (ulong)i), taken);
        // Past the middle of the third block (200..299) its successor is reserved in the background. Whether a late
        // background reservation from the second block also lands (then 400) depends on the thread pool: at least 300.
        Assert.True(SpinWait.SpinUntil(() => counter.Reserved >= 300, TimeSpan.FromSeconds(10)), $"the third block is reserved ahead (reserved {counter.Reserved})");
    }

    [Fact]
    public void The_next_block_is_reserved_in_the_background_half_way_through_the_current_one()
    {
        using var counter = NonceCounter.Open(_kit.StatePath("ahead"), reservation: 100, time: Epoch);
        Take(counter, 49);
        // Nothing was queued before the half-way number (the decision is made inside TryNext, so this needs no waiting),
        // and the only block reserved is the first.
        Assert.Equal(0, counter.ReservationsQueued);
        Assert.Equal(100UL, counter.Reserved);
        Take(counter, 2); // 50 is the half-way number
        Assert.Equal(1, counter.ReservationsQueued);
        Assert.True(SpinWait.SpinUntil(() => counter.Reserved == 200, TimeSpan.FromSeconds(10)));
        Assert.Equal(Enumerable.Range(51, 100).Select(i => (ulong)i), Take(counter, 100));
    }

    [Fact]
    public void After_a_crash_the_counter_resumes_above_everything_used()
    {
        var path = _kit.StatePath("crash");
        var used = new HashSet<ulong>();
        for (var run = 0; run < 5; run++)
        {
            // Dispose writes nothing: closing without it is exactly what a killed process leaves behind.
            using var counter = NonceCounter.Open(path, reservation: 64, time: Epoch);
            foreach (var value in Take(counter, 10 + (run * 37)))
            {
                Assert.True(used.Add(value), $"run {run}: {value} handed out twice");
            }
        }
        Assert.Equal(used.Count, used.Distinct().Count());
    }

    [Fact]
    public void Concurrent_takers_never_get_the_same_number_across_restarts()
    {
        var path = _kit.StatePath("threads");
        var all = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        for (var run = 0; run < 3; run++)
        {
            using var counter = NonceCounter.Open(path, reservation: 128, time: Epoch);
            Parallel.For(0, 4, _ =>
            {
                for (var i = 0; i < 2000; i++)
                {
                    Assert.True(counter.TryNext(out var v));
                    all.Add(v);
                }
            });
        }
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void A_write_torn_by_a_crash_falls_back_to_the_other_slot_which_is_still_above_every_used_number()
    {
        var path = _kit.StatePath("torn");
        ulong lastUsed;
        using (var counter = NonceCounter.Open(path, reservation: 100, time: Epoch))
        {
            Take(counter, 150); // marks 100 then 200 written, to slots 0 and 1
            lastUsed = Take(counter, 1)[0];
        }
        // The crash hits while the next mark (300) is being written over slot 0: it is garbage now.
        using (var file = File.OpenWrite(path))
        {
            file.Write(new byte[] { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 });
        }
        using var reopened = NonceCounter.Open(path, reservation: 100, time: Epoch);
        Assert.True(reopened.TryNext(out var next));
        Assert.True(next > lastUsed, $"{next} must be above {lastUsed}");
    }

    [Fact]
    public void A_state_file_with_no_valid_slot_is_refused_rather_than_guessed()
    {
        var path = _kit.StatePath("damaged");
        File.WriteAllBytes(path, new byte[32]);
        var e = Assert.Throws<InvalidDataException>(() => NonceCounter.Open(path, time: Epoch));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void The_state_file_is_mode_0600_and_locked_against_a_second_agent()
    {
        if (OperatingSystem.IsWindows()) return; // Weft runs on Linux; keeps the analyzer satisfied
        var path = _kit.StatePath("mode");
        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var counter = NonceCounter.Open(path, time: Epoch);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var e = Assert.Throws<IOException>(() => NonceCounter.Open(path, time: Epoch));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_lost_state_file_still_resumes_above_the_old_numbers_by_the_clock_floor()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var path = _kit.StatePath("lost");
        ulong before;
        using (var counter = NonceCounter.Open(path, time: clock))
        {
            before = Take(counter, 1000)[^1];
            Assert.True(before >= (ulong)clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000UL);
        }
        File.Delete(path);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var fresh = NonceCounter.Open(path, time: clock);
        Assert.True(fresh.TryNext(out var after));
        Assert.True(after > before);
    }

    [Fact]
    public void A_closed_counter_refuses_new_blocks_without_throwing()
    {
        var counter = NonceCounter.Open(_kit.StatePath("closed"), reservation: 4, time: Epoch);
        Take(counter, 4);
        counter.Dispose();
        Assert.False(counter.TryNext(out _));
    }
}
