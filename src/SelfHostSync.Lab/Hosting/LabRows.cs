namespace SelfHostSync.Lab.Hosting;

/// <summary>Answer rows as the real servers write them: an option that is not set is left out, not sent as null.</summary>
internal static class LabRows
{
    public static Dictionary<string, object?> WithSet(this Dictionary<string, object?> row, params (string Key, object? Value)[] options)
    {
        foreach (var (key, value) in options)
        {
            if (value is not null)
            {
                row[key] = value;
            }
        }

        return row;
    }
}
