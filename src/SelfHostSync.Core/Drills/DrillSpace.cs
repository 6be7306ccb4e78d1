using System.Globalization;

namespace SelfHostSync.Core.Drills;

/// <summary>
/// Room for a restore: the archive's listed size must fit into the target's free space with a share of the storage
/// left free (<see cref="DrillSettings.FreeSpaceMargin"/>). A PBS snapshot lists its disk images' full size; a vzdump
/// file its compressed size, a lower bound of what the restore writes.
/// </summary>
public static class DrillSpace
{
    private const double GiB = 1024d * 1024 * 1024;

    /// <summary>Why the restore does not fit, with the figures; null when it does.</summary>
    public static string? Refusal(BackupArchive archive, string storage, StorageSpace space, double margin)
    {
        if (!space.Active || space.Total <= 0)
        {
            return $"target storage {storage} is not active on the drill node (no free space to check)";
        }

        if (archive.Size is not { } size)
        {
            return null;
        }

        var reserve = (long)(space.Total * margin);
        return space.Available - size >= reserve
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"target storage {storage} has {space.Available / GiB:0.0} GiB free of {space.Total / GiB:0.0} GiB; restoring {size / GiB:0.0} GiB would leave less than the {margin:P0} that must stay free"
            );
    }
}
