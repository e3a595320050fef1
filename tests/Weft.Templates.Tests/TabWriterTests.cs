using Weft.Templates;

namespace Weft.Templates.Tests;

public sealed class TabWriterTests
{
    [Fact]
    public void ColumnsTakeWidestCellPlusPaddingWithMinimumWidth() =>
        Assert.Equal("a            b\nlongercell   c\n", TabWriter.Format("a\tb\nlongercell\tc\n"));

    [Fact]
    public void LastCellIsNotPadded() => Assert.Equal("x         yyyy\n", TabWriter.Format("x\tyyyy\n"));

    [Fact]
    public void ALineWithoutTabsEndsTheColumnBlock() =>
        Assert.Equal("aaaaaaaaaaaaa   b\nplain\nc         d\n", TabWriter.Format("aaaaaaaaaaaaa\tb\nplain\nc\td\n"));
}
