using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Sync;

/// <summary>Everything the pass needs from configuration, already validated.</summary>
public sealed record SyncSettings
{
    public IntentSettings Intent { get; init; } = IntentSettings.Default;

    /// <summary>Hardware owner per cluster name.</summary>
    public IReadOnlyDictionary<string, HardwareOwner> Clusters { get; init; } = new Dictionary<string, HardwareOwner>();

    public PolicyTable Policies { get; init; } = PolicyTable.Default;

    public TagVocabulary Vocabulary { get; init; } = TagVocabulary.Default;

    /// <summary><c>Tags.Write</c>: when false the pass plans but never writes.</summary>
    public bool WriteTags { get; init; } = true;

    public IReadOnlyList<InventoryEntry> Inventory { get; init; } = [];

    /// <summary>Tag writes in flight at once across all clusters (each endpoint is bounded further by its own limit).</summary>
    public int WriteParallelism { get; init; } = 4;

    /// <summary>
    /// How long one source may take to collect. One that takes longer (a hang the request deadlines missed) is a failed
    /// source for this pass: its evidence is unknown and the pass goes on, degraded, with the others.
    /// </summary>
    public TimeSpan SourceTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>Notes.Excerpt</c>: the first line of a guest's notes in its <c>docs.present</c> evidence (reports, dashboard, API).</summary>
    public bool NoteExcerpts { get; init; } = true;

    /// <summary>Takes configured secrets out of text that reaches the report (server and exception messages).</summary>
    public Func<string, string> Redact { get; init; } = text => text;
}

/// <param name="DryRun">Plan only.</param>
/// <param name="RunId">A run id assigned by whoever queued the pass (the control API answers with it); null: a new one.</param>
public sealed record SyncRequest(bool DryRun, string? RunId = null);

/// <summary>Progress of a pass, for terminals and the dashboard.</summary>
public sealed record SyncProgress(string Stage, int Done, int Total);
