using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>A configured PVE cluster: its endpoint plus what SelfHostSync needs to know about it.</summary>
public sealed record PveCluster(ProxmoxEndpoint Endpoint, HardwareOwner HardwareOwner, TimeSpan ConfigRefresh)
{
    public string Name => Endpoint.Name;
}

/// <summary>A configured PBS server.</summary>
/// <param name="Endpoint">How to reach it.</param>
/// <param name="Offsite">The server itself is off site: its snapshots are offsite copies.</param>
/// <param name="OffsiteRemotes">PBS remotes (names in its <c>remote.cfg</c>) that are off site: a successful push sync
/// job to one of them carries the datastore's snapshots off site.</param>
public sealed record PbsServer(ProxmoxEndpoint Endpoint, bool Offsite, IReadOnlySet<string>? OffsiteRemotes = null)
{
    public string Name => Endpoint.Name;

    public IReadOnlySet<string> OffsiteRemoteNames => OffsiteRemotes ?? new HashSet<string>();
}
