namespace SelfHostSync.Core.Text;

/// <summary>Guest notes (the PVE description) and SelfHostSync's own marked block inside them.</summary>
public static class Notes
{
    public const string BlockStart = "<!-- selfhostsync:begin -->";
    public const string BlockEnd = "<!-- selfhostsync:end -->";

    /// <summary>The notes without SelfHostSync's own block, so our writing never counts as documentation.</summary>
    public static string WithoutManagedBlock(string? notes)
    {
        if (string.IsNullOrEmpty(notes))
        {
            return string.Empty;
        }

        var start = notes.IndexOf(BlockStart, StringComparison.Ordinal);
        if (start < 0)
        {
            return notes;
        }

        var end = notes.IndexOf(BlockEnd, start, StringComparison.Ordinal);
        return end < 0 ? notes[..start] : notes[..start] + notes[(end + BlockEnd.Length)..];
    }

    public static string FirstLine(string notes, int max = 60)
    {
        var line = notes.Trim().Split('\n', 2)[0].Trim();
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }
}
