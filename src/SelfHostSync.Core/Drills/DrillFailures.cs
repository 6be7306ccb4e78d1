namespace SelfHostSync.Core.Drills;

/// <summary>
/// Whether a failed restore or start task speaks against the backup (<see cref="DrillState.Failed"/>) or against the
/// drill's environment (<see cref="DrillState.Error"/>): permissions, a full or missing target storage, a missing
/// bridge, no memory on the drill node, a VMID taken. Only the former may turn <c>restore.tested</c> red.
/// </summary>
public static class DrillFailures
{
    private static readonly string[] Environment =
    [
        "permission",
        "only root",
        "not allowed",
        "no space left",
        "not enough space",
        "out of space",
        "disk quota",
        "cannot allocate memory",
        "not enough memory",
        "out of memory",
        "bridge",
        "sdn",
        "already exists",
        "is locked",
        "does not exist on node",
        "storage '",
        "unable to activate storage",
        "no such vnet",
    ];

    public static DrillState StateOf(string? detail) =>
        detail is not null && Environment.Any(marker => detail.Contains(marker, StringComparison.OrdinalIgnoreCase))
            ? DrillState.Error
            : DrillState.Failed;
}
