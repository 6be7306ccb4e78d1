using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>A configured PVE cluster: its endpoint plus what SelfHostSync needs to know about it.</summary>
public sealed record PveCluster(ProxmoxEndpoint Endpoint, HardwareOwner HardwareOwner, TimeSpan ConfigRefresh)
{
    public string Name => Endpoint.Name;
}

/// <summary>A configured PBS server.</summary>
public sealed record PbsServer(ProxmoxEndpoint Endpoint, bool Offsite)
{
    public string Name => Endpoint.Name;
}
