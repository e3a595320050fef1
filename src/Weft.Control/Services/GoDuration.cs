using System.Globalization;

namespace Weft.Control.Services;

/// <summary>
/// Durations written the way Docker and Go write them: a sequence of number+unit, units h, m, s, ms
/// ("12h", "1h30m", "90s", "1.5h"). Hand-written because .NET's TimeSpan formats are "hh:mm:ss" and users of a
/// Docker-shaped CLI type Go durations.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < rest.Length && char.IsAsciiLetterLower(rest[numberLength + unitLength]))
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == 0 ||
                !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            TimeSpan? unit = rest.Slice(numberLength, unitLength) switch
            {
                "h" => TimeSpan.FromHours(1),
                "m" => TimeSpan.FromMinutes(1),
                "s" => TimeSpan.FromSeconds(1),
                "ms" => TimeSpan.FromMilliseconds(1),
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            duration += unit.Value * number;
            rest = rest[(numberLength + unitLength)..];
        }

        return true;
    }
}
