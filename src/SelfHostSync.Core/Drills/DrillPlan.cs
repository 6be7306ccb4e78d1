namespace SelfHostSync.Core.Drills;

/// <summary>One drill to run: the source guest, the backup that is newest right now, and the scratch VMID it goes to.</summary>
public sealed record DrillPlanItem(DrillCandidate Candidate, ClusterGuest Source, BackupArchive Archive, int ScratchVmid, string ScratchName);

/// <summary>What a drill run will do: the drills, the candidates passed over (and why), leftovers removed first.</summary>
public sealed record DrillPlan(IReadOnlyList<DrillPlanItem> Items, IReadOnlyList<string> Skipped, IReadOnlyList<ClusterGuest> Leftovers);

/// <summary>A drill cannot run; the message says why in one line. Nothing was changed.</summary>
public sealed class DrillRefusedException(string message) : Exception(message);

/// <summary>What the start-up sweep did: interrupted drills closed, leftover scratch guests removed, what is left and why.</summary>
public sealed record DrillSweep(int Interrupted, IReadOnlyList<int> Removed, IReadOnlyList<string> Problems);
