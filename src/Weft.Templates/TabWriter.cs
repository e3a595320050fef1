using System.Text;

namespace Weft.Templates;

/// <summary>
/// Go's text/tabwriter elastic tabstops, as Docker uses them for tables (minwidth 10, tabwidth 1, padding 3,
/// pad with spaces): tab-terminated cells in consecutive lines form a column whose width is the widest cell
/// plus padding; the last cell of a line is not aligned.
/// </summary>
public static class TabWriter
{
    public static string Format(string text, int minWidth = 10, int padding = 3)
    {
        var lines = text.Split('\n').Select(l => l.Split('\t')).ToList();
        var output = new StringBuilder();
        var widths = new List<int>();
        FormatBlock(lines, 0, lines.Count, widths, minWidth, padding, output);
        // Split added one empty trailing line for a text ending in '\n'; Write emitted '\n' after every line but the last.
        return output.ToString();
    }

    private static void FormatBlock(List<string[]> lines, int line0, int line1, List<int> widths, int minWidth, int padding, StringBuilder output)
    {
        var column = widths.Count;
        for (var current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1)
            {
                continue;
            }
            // This line has a cell in this column: write the lines before it, then measure the block.
            WriteLines(lines, line0, current, widths, output);
            line0 = current;
            var width = minWidth;
            for (; current < line1 && column < lines[current].Length - 1; current++)
            {
                width = Math.Max(width, lines[current][column].Length + padding);
            }
            widths.Add(width);
            FormatBlock(lines, line0, current, widths, minWidth, padding, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
            current--;
        }
        WriteLines(lines, line0, line1, widths, output);
    }

    private static void WriteLines(List<string[]> lines, int from, int to, List<int> widths, StringBuilder output)
    {
        for (var i = from; i < to; i++)
        {
            var cells = lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                output.Append(j < cells.Length - 1 && j < widths.Count ? cells[j].PadRight(widths[j]) : cells[j]);
            }
            if (i < lines.Count - 1)
            {
                output.Append('\n');
            }
        }
    }
}
