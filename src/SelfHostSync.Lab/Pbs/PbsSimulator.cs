using Microsoft.AspNetCore.Builder;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>A simulated snapshot on a PBS datastore.</summary>
internal sealed record PbsSnapshot(string Datastore, string Namespace, string Type, int Id, long Time, string? Verification, bool Protected, bool Encrypted, bool InProgress);

/// <summary>
/// A stateful Proxmox Backup Server: datastores (with maintenance modes and removable devices), namespaces, snapshots
/// with verification states, verify and sync jobs, remotes. Answers errors as PBS does: plain text, 400 for anything
/// that is not an explicit HTTP error, lists filtered silently by privilege.
/// </summary>
public sealed partial class PbsSimulator
{
    private readonly BackupServerSpec _spec;
    private readonly List<PbsSnapshot> _snapshots = [];
    private readonly DateTimeOffset _now;
    private readonly Func<string, PbsSimulator?> _peers;

    public PbsSimulator(BackupServerSpec spec, DateTimeOffset now, Func<string, PbsSimulator?>? peers = null)
    {
        _spec = spec;
        _now = now;
        _peers = peers ?? (_ => null);
        Tickets = new LabTickets("PBS", spec.Users);
        foreach (var s in spec.Snapshots)
        {
            for (var i = 0; i < s.Count; i++)
            {
                var time = now - TimeSpan.FromHours(s.AgeHours + (i * s.EveryHours));
                _snapshots.Add(new PbsSnapshot(s.Datastore, s.Namespace, s.Type, s.Id, time.ToUnixTimeSeconds(), s.Verification, s.Protected, s.Encrypted, s.InProgress && i == 0));
            }
        }
    }

    public string Name => _spec.Name;

    internal LabTickets Tickets { get; }

    public BackupServerSpec Spec => _spec;

    public LabServer Server { get; private set; } = null!;

    /// <summary>The snapshots now (a copy: tests change them while the server answers).</summary>
    internal IReadOnlyList<PbsSnapshot> Snapshots
    {
        get
        {
            lock (_snapshots)
            {
                return [.. _snapshots];
            }
        }
    }

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken, pbsErrors: true);

    /// <summary>Restarts on the same port with a newly generated certificate (a re-installed or re-keyed server).</summary>
    public async Task RestartWithNewCertificateAsync(CancellationToken cancellationToken)
    {
        var port = Server.Url.Port;
        await Server.DisposeAsync();
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken, pbsErrors: true);
    }

    private void Map(WebApplication app, LabServer server)
    {
        var api = app.MapGroup("/api2/json").RequireToken(_spec.Tokens, "PBSAPIToken", ':', server.Faults, Tickets, "PBSAuthCookie");
        api.MapTicketLogin(Tickets);
        MapAccess(api);
        MapJobs(api);
        MapDatastores(api);
        MapChanges(api);
    }
}
