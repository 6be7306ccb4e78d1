using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>A simulated snapshot on a PBS datastore.</summary>
internal sealed record PbsSnapshot(string Datastore, string Namespace, string Type, int Id, long Time, string? Verification, bool Protected, bool Encrypted);

/// <summary>A stateful Proxmox Backup Server: datastores, namespaces, snapshots with verification states.</summary>
public sealed class PbsSimulator
{
    private readonly BackupServerSpec _spec;
    private readonly List<PbsSnapshot> _snapshots = [];
    private readonly DateTimeOffset _now;

    public PbsSimulator(BackupServerSpec spec, DateTimeOffset now)
    {
        _spec = spec;
        _now = now;
        Tickets = new LabTickets("PBS", spec.Users);
        foreach (var s in spec.Snapshots)
        {
            for (var i = 0; i < s.Count; i++)
            {
                var time = now - TimeSpan.FromHours(s.AgeHours + (i * s.EveryHours));
                _snapshots.Add(new PbsSnapshot(s.Datastore, s.Namespace, s.Type, s.Id, time.ToUnixTimeSeconds(), s.Verification, s.Protected, s.Encrypted));
            }
        }
    }

    public string Name => _spec.Name;

    internal LabTickets Tickets { get; }

    public BackupServerSpec Spec => _spec;

    public LabServer Server { get; private set; } = null!;

    internal IReadOnlyList<PbsSnapshot> Snapshots => _snapshots;

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken);

    /// <summary>Restarts on the same port with a newly generated certificate (a re-installed or re-keyed server).</summary>
    public async Task RestartWithNewCertificateAsync(CancellationToken cancellationToken)
    {
        var port = Server.Url.Port;
        await Server.DisposeAsync();
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken);
    }

    private void Map(WebApplication app, LabServer server)
    {
        var api = app.MapGroup("/api2/json").RequireToken(_spec.Tokens, "PBSAPIToken", ':', server.Faults, Tickets, "PBSAuthCookie");
        api.MapTicketLogin(Tickets);

        api.MapGet("/access/permissions", (HttpContext ctx) =>
        {
            var token = (TokenSpec)ctx.Items["token"]!;
            return LabResults.Data(new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal)
            {
                ["/datastore"] = (token.Privileges ?? []).ToDictionary(p => p, _ => 1, StringComparer.Ordinal),
            });
        });

        api.MapGet("/admin/verify", (HttpContext ctx, string? store) =>
            !Audit(ctx, "/datastore") ? Results.Empty
                : LabResults.Data(_spec.VerifyJobs.Where(j => store is null || j.Store == store).Select(JobRow)));

        api.MapGet("/admin/sync", (HttpContext ctx, string? store, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sync-direction")] string? direction) =>
        {
            if (direction is not null && (!_spec.PushSync || direction is not ("push" or "pull" or "all")))
            {
                LabResults.Error(ctx, 400, "parameter verification failed - 'sync-direction': schema does not allow additional properties");
                return Results.Empty;
            }

            var want = direction ?? "pull";
            return !Audit(ctx, "/datastore") ? Results.Empty
                : LabResults.Data(_spec.SyncJobs
                    .Where(j => (store is null || j.Store == store) && (want == "all" || j.Direction == want))
                    .Select(j => SyncRow(j, _spec.PushSync)));
        });

        api.MapGet("/admin/datastore", (HttpContext ctx) =>
            !Audit(ctx, "/datastore") ? Results.Empty
                : LabResults.Data(_spec.Datastores.Select(d => new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["store"] = d.Name,
                    ["backend-type"] = "filesystem",
                    ["mount-status"] = "nonremovable",
                })));

        api.MapGet("/admin/datastore/{store}/namespace", (HttpContext ctx, string store) =>
        {
            var ds = _spec.Datastores.FirstOrDefault(d => d.Name == store);
            if (ds is null)
            {
                LabResults.Error(ctx, 404, $"no such datastore '{store}'");
                return Results.Empty;
            }

            return !Audit(ctx, $"/datastore/{store}") ? Results.Empty
                : LabResults.Data(new[] { string.Empty }.Concat(ds.Namespaces ?? []).Select(ns => new { ns }));
        });

        api.MapGet("/admin/datastore/{store}/snapshots", (HttpContext ctx, string store, string? ns) =>
        {
            if (_spec.Datastores.All(d => d.Name != store))
            {
                LabResults.Error(ctx, 404, $"no such datastore '{store}'");
                return Results.Empty;
            }

            if (!Audit(ctx, $"/datastore/{store}"))
            {
                return Results.Empty;
            }

            var list = _snapshots.Where(s => s.Datastore == store && s.Namespace == (ns ?? string.Empty)).Select(ToApi);
            return LabResults.Data(list);
        });
    }

    private Dictionary<string, object?> JobRow(PbsJobSpec j)
    {
        var end = (_now - TimeSpan.FromHours(j.LastRunAgeHours)).ToUnixTimeSeconds();
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = j.Id,
            ["store"] = j.Store,
            ["schedule"] = j.Schedule,
            ["last-run-state"] = j.LastRunState,
            ["last-run-endtime"] = end,
            ["last-run-upid"] = $"UPID:pbs:0000A1B2:0012C3D4:00000000:{end:X8}:job:{j.Id}:root@pam:",
            ["next-run"] = end + 86400,
        };
        if (j.Ns is not null)
        {
            row["ns"] = j.Ns;
        }

        if (j.MaxDepth is not null)
        {
            row["max-depth"] = j.MaxDepth;
        }

        return row;
    }

    private Dictionary<string, object?> SyncRow(PbsJobSpec j, bool pushSupported)
    {
        var row = JobRow(j);
        row["remote"] = j.Remote;
        row["remote-store"] = j.Store;
        if (pushSupported)
        {
            row["sync-direction"] = j.Direction;
        }

        return row;
    }

    private static bool Audit(HttpContext ctx, string path) =>
        LabAuth.Require(ctx, (TokenSpec)ctx.Items["token"]!, "Datastore.Audit", path);

    private static object ToApi(PbsSnapshot s)
    {
        var crypt = s.Encrypted ? "encrypt" : "none";
        var files = new object[]
        {
            new Dictionary<string, object> { ["filename"] = "index.json.blob", ["crypt-mode"] = "none", ["size"] = 512 },
            new Dictionary<string, object> { ["filename"] = s.Type == "vm" ? "drive-scsi0.img.fidx" : "root.pxar.didx", ["crypt-mode"] = crypt, ["size"] = 34359738368L },
        };
        var item = new Dictionary<string, object?>
        {
            ["backup-type"] = s.Type,
            ["backup-id"] = s.Id.ToString(CultureInfo.InvariantCulture),
            ["backup-time"] = s.Time,
            ["files"] = files,
            ["size"] = 34359738880L,
            ["owner"] = "pve-backup@pbs!pve",
            ["protected"] = s.Protected,
        };
        if (s.Verification is not null)
        {
            item["verification"] = new { state = s.Verification, upid = $"UPID:pbs:0000A1B2:0012C3D4:00000000:{s.Time + 3600:X8}:verificationjob:{s.Datastore}\\x3av-daily:root@pam:" };
        }

        return item;
    }
}
