using System.Globalization;

namespace SelfHostSync.Core.Drills;

/// <summary>The scratch VMIDs restore drills may create and destroy guests in, both ends included.</summary>
public sealed record VmidRange(int First, int Last)
{
    /// <summary>PVE's own VMID bounds.</summary>
    public const int MinVmid = 100;

    public const int MaxVmid = 999_999_999;

    public int Count => Last - First + 1;

    public bool Contains(int vmid) => vmid >= First && vmid <= Last;

    public IEnumerable<int> All => Enumerable.Range(First, Count);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

    /// <summary>Parses <c>9900-9999</c>; the error names what is wrong.</summary>
    public static bool TryParse(string? text, out VmidRange? range, out string? error)
    {
        range = null;
        error = null;
        var parts = (text ?? string.Empty).Split('-', StringSplitOptions.TrimEntries);
        if (
            parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
        )
        {
            error = $"'{text}' is not <first>-<last> (e.g. 9900-9999)";
            return false;
        }

        if (first < MinVmid || last > MaxVmid || first > last)
        {
            error = $"'{text}' must lie within {MinVmid}-{MaxVmid} with first <= last";
            return false;
        }

        range = new VmidRange(first, last);
        return true;
    }
}
