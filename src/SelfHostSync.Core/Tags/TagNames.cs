using SelfHostSync.Core.Checks;

namespace SelfHostSync.Core.Tags;

/// <summary>The default names of the managed tag vocabulary (DESIGN §4).</summary>
public static class TagNames
{
    public const string Level2 = "level-2";
    public const string Level3a = "level-3a";
    public const string Level3b = "level-3b";
    public const string NoBackup = "warn-no-backup";
    public const string BackupStale = "warn-backup-stale";
    public const string Unverified = "warn-unverified";
    public const string RestoreUntested = "warn-restore-untested";
    public const string NoOffsite = "warn-no-offsite";
    public const string NoJob = "warn-no-job";
    public const string Undocumented = "warn-undocumented";
    public const string ProdInDenial = "warn-prod-in-denial";
    public const string StorageDegraded = "warn-storage-degraded";

    public static IReadOnlyList<string> LevelTags { get; } = [Level2, Level3a, Level3b];

    public static IReadOnlyList<string> WarningTags { get; } =
    [NoBackup, BackupStale, Unverified, RestoreUntested, NoOffsite, NoJob, Undocumented, ProdInDenial, StorageDegraded];

    public static IReadOnlyList<string> All { get; } = [.. LevelTags, .. WarningTags];

    /// <summary>The warning tag a check controls.</summary>
    public static string WarningOf(string checkId) =>
        checkId switch
        {
            CheckIds.BackupPresent => NoBackup,
            CheckIds.BackupFresh => BackupStale,
            CheckIds.BackupVerified => Unverified,
            CheckIds.RestoreTested => RestoreUntested,
            CheckIds.OffsitePresent => NoOffsite,
            CheckIds.CoverageJob => NoJob,
            CheckIds.DocsPresent => Undocumented,
            CheckIds.IntentConsistent => ProdInDenial,
            CheckIds.StorageHealthy => StorageDegraded,
            _ => throw new ArgumentOutOfRangeException(nameof(checkId), checkId, "check has no warning tag"),
        };
}
