using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// Bridges and SDN vnets: <c>GET /nodes/{node}/network</c> (any caller; the node's bridges: vmbr0 and those the guests
/// use) and <c>GET /cluster/sdn/vnets</c> (only vnets the caller has SDN.Audit or SDN.Allocate on, silently).
/// </summary>
internal sealed partial class PveNetworkRoutes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{node}/network", (HttpContext ctx, string node, string? type) =>
        {
            if (!s.Spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            lock (s.Gate)
            {
                var bridges = s
                    .Guests.Values.Where(g => g.Node == node)
                    .SelectMany(g => g.Config.Where(kv => NetKey().IsMatch(kv.Key)).Select(kv => BridgeOf(kv.Value)))
                    .OfType<string>()
                    .Append("vmbr0")
                    .Where(b => s.Spec.Vnets.All(v => v.Name != b))
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .Select(b => new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        ["iface"] = b,
                        ["type"] = "bridge",
                        ["active"] = 1,
                        ["autostart"] = 1,
                    });
                var vnets = type is "any_bridge" or "include_sdn" or "vnet"
                    ? s.Spec.Vnets.Select(v => new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        ["iface"] = v.Name,
                        ["type"] = "vnet",
                        ["active"] = 1,
                    })
                    : [];
                return LabResults.Data((type == "vnet" ? [] : bridges).Concat(vnets).ToList());
            }
        });

        api.MapGet("/cluster/sdn/vnets", (HttpContext ctx) => LabResults.Data(
                s.Spec.Vnets.Where(v =>
                        s.Has(ctx, "SDN.Audit", $"/sdn/zones/{v.Zone}/{v.Name}") || s.Has(ctx, "SDN.Allocate", $"/sdn/zones/{v.Zone}/{v.Name}")
                    )
                    .Select(v => new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        ["vnet"] = v.Name,
                        ["zone"] = v.Zone,
                        ["type"] = "vnet",
                        ["digest"] = "0",
                    })
                    .ToList()
            ));
    }

    private static string? BridgeOf(string net) =>
        net.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "bridge")?[1];

    [GeneratedRegex(@"^net\d+$")]
    private static partial Regex NetKey();
}
