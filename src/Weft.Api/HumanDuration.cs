namespace Weft.Api;

/// <summary>Docker's go-units HumanDuration: "Less than a second", "5 seconds", "About a minute", "3 hours", "2 weeks".</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ => (long)d.TotalMinutes switch
            {
                1 => "About a minute",
                < 60 and var m => $"{m} minutes",
                _ => (long)Math.Round(d.TotalHours) switch
                {
                    1 => "About an hour",
                    < 48 and var h => $"{h} hours",
                    var h when h < 24 * 7 * 2 => $"{h / 24} days",
                    var h when h < 24 * 30 * 2 => $"{h / 24 / 7} weeks",
                    var h when h < 24 * 365 * 2 => $"{h / 24 / 30} months",
                    var h => $"{h / 24 / 365} years",
                },
            },
        };
    }
}
