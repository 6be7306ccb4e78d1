namespace SelfHostSync.Core.Checks;

/// <summary>Check identifiers (DESIGN §3); the warning tag each one controls is in <c>TagNames.WarningOf</c>.</summary>
public static class CheckIds
{
    public const string BackupPresent = "backup.present";
    public const string BackupFresh = "backup.fresh";
    public const string BackupVerified = "backup.verified";
    public const string RestoreTested = "restore.tested";
    public const string OffsitePresent = "offsite.present";
    public const string CoverageJob = "coverage.job";
    public const string DocsPresent = "docs.present";
    public const string IntentConsistent = "intent.consistent";
    public const string StorageHealthy = "storage.healthy";

    // Inventory-only checks.
    public const string DataLocated = "data.located";
    public const string ExportTested = "export.tested";
    public const string MfaEnforced = "mfa.enforced";
    public const string MonitoringPresent = "monitoring.present";
    public const string PatchingRecent = "patching.recent";

    /// <summary>Guest checks in the order they are shown.</summary>
    public static IReadOnlyList<string> GuestChecks { get; } =
    [BackupPresent, BackupFresh, BackupVerified, RestoreTested, OffsitePresent, CoverageJob, DocsPresent, IntentConsistent, StorageHealthy];

    /// <summary>Checks that need a backup copy: with no copy at all only <c>warn-no-backup</c> is tagged.</summary>
    public static IReadOnlySet<string> NeedACopy { get; } =
        new HashSet<string>(StringComparer.Ordinal) { BackupFresh, BackupVerified, OffsitePresent, RestoreTested };
}
