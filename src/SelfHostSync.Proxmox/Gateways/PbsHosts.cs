using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Which configured PBS server a PVE storage (or a PBS remote) points at. <c>storage.cfg</c> often names the server by
/// address where our configuration uses its DNS name, or the other way round: host names match when they are equal
/// or resolve to a common address (names resolved at most every 15 minutes; a name that does not resolve matches
/// only itself). The port must match too (default 8007).
/// </summary>
internal sealed class PbsHosts(IReadOnlyList<PbsServer> servers, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IPAddress[] Addresses)> _resolved = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<PbsServer> Servers => servers;

    public PbsServer? Find(string? host, int? port) =>
        host is null ? null : servers.FirstOrDefault(s => (port ?? 8007) == s.Endpoint.BaseUrl.Port && SameHost(host, s.Endpoint.BaseUrl.Host));

    public bool Is(PbsServer server, string? host, int? port) => Find(host, port) is { } found && found.Name == server.Name;

    private bool SameHost(string a, string b)
    {
        a = a.Trim('[', ']');
        b = b.Trim('[', ']');
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var left = Addresses(a);
        return left.Length > 0 && Addresses(b).Any(left.Contains);
    }

    private IPAddress[] Addresses(string host)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var now = time.GetUtcNow();
        if (_resolved.TryGetValue(host, out var entry) && now - entry.At < Lifetime)
        {
            return entry.Addresses;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            addresses = [];
        }

        _resolved[host] = (now, addresses);
        return addresses;
    }
}
