using Weft.DataPlane.Sealing;

namespace Weft.DataPlane.Tests.Sealing;

public sealed class ReplayWindowTests
{
    [Fact]
    public void Each_counter_is_accepted_once_including_zero()
    {
        var window = new ReplayWindow();
        Assert.True(window.TryAccept(0));
        Assert.False(window.TryAccept(0));
        Assert.True(window.TryAccept(1));
        Assert.False(window.IsFresh(1));
        Assert.True(window.IsFresh(2));
    }

    [Fact]
    public void Reordering_within_the_window_is_accepted_and_older_is_refused()
    {
        var window = new ReplayWindow();
        Assert.True(window.TryAccept(5000));
        Assert.True(window.TryAccept(5000 - ReplayWindow.Size));       // oldest still inside
        Assert.False(window.TryAccept(5000 - ReplayWindow.Size - 1));  // too old
        Assert.False(window.IsFresh(1));
        Assert.True(window.TryAccept(4999));
        Assert.False(window.TryAccept(4999));
        Assert.Equal(5000UL, window.Highest);
    }

    [Fact]
    public void A_big_jump_forgets_the_old_bits_without_accepting_old_counters()
    {
        var window = new ReplayWindow();
        for (ulong c = 0; c < 100; c++) Assert.True(window.TryAccept(c));
        Assert.True(window.TryAccept(1_000_000));
        Assert.False(window.TryAccept(50));
        Assert.True(window.TryAccept(1_000_000 - 64));
        Assert.True(window.TryAccept(1_000_000 + 64 * 32 + 7)); // jump across a whole ring
        Assert.False(window.TryAccept(1_000_000 + 64 * 32 + 7));
    }

    [Fact]
    public void Matches_a_reference_set_under_random_sequences()
    {
        Gen.ULong[0, 5000].Array[1, 400].Sample(sequence =>
        {
            var window = new ReplayWindow();
            var seen = new HashSet<ulong>();
            ulong highest = 0;
            var any = false;
            foreach (var c in sequence)
            {
                var expected = !seen.Contains(c) && (!any || c > highest || highest - c <= ReplayWindow.Size);
                Assert.Equal(expected, window.IsFresh(c));
                Assert.Equal(expected, window.TryAccept(c));
                if (expected)
                {
                    seen.Add(c);
                    if (!any || c > highest) highest = c;
                    any = true;
                }
            }
        }, iter: 300);
    }
}
