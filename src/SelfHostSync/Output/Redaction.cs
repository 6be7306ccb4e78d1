namespace SelfHostSync.Output;

/// <summary>Every configured secret becomes <c>***</c> in text that leaves the process.</summary>
internal static class Redaction
{
    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        foreach (var s in secrets)
        {
            if (s.Length >= 4)
            {
                text = text.Replace(s, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
