using System.Globalization;

namespace SelfHostSync.Core.Text;

/// <summary>Short human durations: "45 s", "12 min", "30 h", "3 d 4 h".</summary>
public static class Durations
{
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "in the future";
        }

        var c = CultureInfo.InvariantCulture;
        if (span.TotalMinutes < 1)
        {
            return string.Create(c, $"{(int)span.TotalSeconds} s");
        }

        if (span.TotalHours < 1)
        {
            return string.Create(c, $"{(int)span.TotalMinutes} min");
        }

        if (span.TotalHours < 48)
        {
            var hours = (int)span.TotalHours;
            return span.Minutes == 0 || hours >= 10 ? string.Create(c, $"{hours} h") : string.Create(c, $"{hours} h {span.Minutes} min");
        }

        return span.Hours == 0 ? string.Create(c, $"{span.Days} d") : string.Create(c, $"{span.Days} d {span.Hours} h");
    }
}
