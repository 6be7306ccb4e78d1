using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Inventory;

/// <summary>
/// A system outside Proxmox declared in <c>Inventory</c>: SaaS (0), a managed platform (1), or a VPS (2) not running
/// Proxmox. It carries its evidence as declared dates and facts.
/// </summary>
public sealed record InventoryEntry
{
    public required string Name { get; init; }

    public required Level Level { get; init; }

    public string? Vendor { get; init; }

    public string? DataLocation { get; init; }

    public bool? Mfa { get; init; }

    public DateOnly? ExportTested { get; init; }

    public DateOnly? LastBackup { get; init; }

    public DateOnly? RestoreTested { get; init; }

    public string? Monitoring { get; init; }

    public DateOnly? Patched { get; init; }
}
