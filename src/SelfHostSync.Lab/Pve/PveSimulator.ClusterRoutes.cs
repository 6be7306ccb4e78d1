using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Datacenter-level routes: HA resources, not-backed-up, and the tag options of <c>/cluster/options</c>.</summary>
public sealed partial class PveSimulator
{
    private string? _tagStyle;
    private List<string>? _registeredTags;

    /// <summary>The datacenter <c>tag-style</c> property string, as stored.</summary>
    public string? TagStyle
    {
        get
        {
            lock (_gate)
            {
                return _tagStyle ?? _spec.TagStyle;
            }
        }
    }

    /// <summary>The datacenter <c>registered-tags</c>.</summary>
    public IReadOnlyList<string> RegisteredTags
    {
        get
        {
            lock (_gate)
            {
                return [.. _registeredTags ?? _spec.RegisteredTags];
            }
        }
    }

    private void MapCluster(RouteGroupBuilder api)
    {
        // The caller's own privileges (API2/AccessControl.pm permissions): path => privilege => propagates (0/1).
        api.MapGet("/access/permissions", (HttpContext ctx, string? path) =>
        {
            var auth = AuthId(ctx);
            if (path is not null)
            {
                return LabResults.Data(new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal)
                {
                    [path] = Access.Privileges(auth, path).ToDictionary(p => p.Key, p => p.Value ? 1 : 0, StringComparer.Ordinal),
                });
            }

            return LabResults.Data(Access.Effective(auth));
        });

        api.MapGet("/cluster/ha/resources", (HttpContext ctx) =>
        {
            if (!Need(ctx, "Sys.Audit", "/"))
            {
                return Results.Empty;
            }

            lock (_gate)
            {
                return LabResults.Data(Guests.Values.Where(g => g.HaState is not null).OrderBy(g => g.Vmid).Select(g => new
                {
                    sid = $"{(g.Type == "lxc" ? "ct" : "vm")}:{g.Vmid}",
                    type = g.Type == "lxc" ? "ct" : "vm",
                    state = g.HaState,
                    max_restart = 1,
                    max_relocate = 1,
                    digest = "0000000000000000000000000000000000000000",
                }).ToList());
            }
        });

        // Like PVE: computed from every vzdump job, enabled or not (get_included_guests ignores `enabled`).
        api.MapGet("/cluster/backup-info/not-backed-up", (HttpContext ctx) =>
        {
            if (!Need(ctx, "Sys.Audit", "/"))
            {
                return Results.Empty;
            }

            lock (_gate)
            {
                return LabResults.Data(Guests.Values
                    .Where(g => !g.Template && !_spec.BackupJobs.Any(j => Includes(j, g)))
                    .OrderBy(g => g.Vmid)
                    .Select(g => new { vmid = g.Vmid, type = g.Type, name = g.Name })
                    .ToList());
            }
        });

        api.MapGet("/cluster/options", (HttpContext ctx) =>
        {
            lock (_gate)
            {
                // Cluster.pm: every caller gets allowed-tags computed for it; the configuration needs Sys.Audit on /.
                var data = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["console"] = "html5",
                    ["allowed-tags"] = AllowedTags(AuthId(ctx)).ToList(),
                };
                if ((_tagStyle ?? _spec.TagStyle) is { Length: > 0 } style)
                {
                    // GET returns the property string parsed into an object.
                    data["tag-style"] = style.Split(',', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Split('=', 2))
                        .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : string.Empty, StringComparer.Ordinal);
                }

                if (Has(ctx, "Sys.Audit", "/"))
                {
                    data["registered-tags"] = Registered;
                    if (_spec.UserTagAccess is not null)
                    {
                        var (mode, list) = UserTagAccess();
                        data["user-tag-access"] = new Dictionary<string, object>(StringComparer.Ordinal) { ["user-allow"] = mode, ["user-allow-list"] = list };
                    }
                }

                return LabResults.Data(data);
            }
        });

        api.MapPut("/cluster/options", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            if (!Need(ctx, "Sys.Modify", "/"))
            {
                return Results.Empty;
            }

            var unknown = form.Keys.Where(k => k is not ("tag-style" or "registered-tags")).ToList();
            if (unknown.Count > 0)
            {
                LabResults.Error(ctx, 400, $"lab refuses to change {string.Join(", ", unknown)}");
                return Results.Empty;
            }

            lock (_gate)
            {
                if (form.TryGetValue("tag-style", out var style))
                {
                    _tagStyle = style.ToString();
                }

                if (form.TryGetValue("registered-tags", out var registered))
                {
                    _registeredTags = registered.ToString().Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries).ToList();
                }
            }

            return LabResults.Data(null);
        });
    }

    private static bool Includes(JobSpec job, PveGuestState guest)
    {
        if (job.Node is not null && job.Node != guest.Node)
        {
            return false;
        }

        static IEnumerable<string> Ids(string? list) => (list ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        var id = guest.Vmid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return job.All ? !Ids(job.Exclude).Contains(id)
            : job.Pool is not null ? job.Pool == guest.Pool
            : Ids(job.Vmid).Contains(id);
    }
}
