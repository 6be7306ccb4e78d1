namespace SelfHostSync.HomeAssistant.Discovery;

/// <summary>What to publish to turn what stands on the broker into what a pass stands for: a null payload clears a topic.</summary>
internal static class RetainedChanges
{
    /// <param name="desired">Every retained message the newest pass stands for.</param>
    /// <param name="published">What stands on the broker now.</param>
    /// <param name="everything">
    /// Send every desired message, changed or not (after a connect: the broker may have lost its retained messages).
    /// </param>
    /// <returns>
    /// Removed entities first (config before state, so Home Assistant drops the entity before its state goes), then new
    /// and changed states, then configs (an entity finds its retained state when it subscribes).
    /// </returns>
    public static List<KeyValuePair<string, string?>> Between(
        IReadOnlyDictionary<string, string> desired,
        IReadOnlyDictionary<string, string> published,
        bool everything
    )
    {
        var cleared = published.Keys.Where(t => !desired.ContainsKey(t)).OrderBy(t => IsConfig(t) ? 0 : 1).ThenBy(t => t, StringComparer.Ordinal);
        var sent = desired
            .Where(kv => everything || !published.TryGetValue(kv.Key, out var before) || before != kv.Value)
            .OrderBy(kv => IsConfig(kv.Key) ? 1 : 0)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal);
        return [.. cleared.Select(t => KeyValuePair.Create(t, (string?)null)), .. sent.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))];
    }

    private static bool IsConfig(string topic) => topic.EndsWith("/config", StringComparison.Ordinal);
}
