using SelfHostSync.Core.Sync;

namespace SelfHostSync.Synology.Tests;

/// <summary>A fixed list of PVE storages standing in for the clusters' <c>/storage</c> (the NAS gateway's input).</summary>
internal sealed class FixedStorageDirectory(IReadOnlyList<StorageRef> storages) : IStorageDirectory
{
    public IReadOnlyList<string> Clusters => [.. storages.Select(s => s.Cluster).Distinct(StringComparer.Ordinal)];

    public Task<IReadOnlyList<StorageRef>> StoragesAsync(string cluster, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StorageRef>>([.. storages.Where(s => s.Cluster == cluster)]);
}
