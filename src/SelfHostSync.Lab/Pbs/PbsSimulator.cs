using Microsoft.AspNetCore.Builder;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>A simulated snapshot on a PBS datastore.</summary>
internal sealed record PbsSnapshot(
    string Datastore,
    string Namespace,
    string Type,
    int Id,
    long Time,
    string? Verification,
    bool Protected,
    bool Encrypted,
    bool InProgress
);

/// <summary>
/// A stateful Proxmox Backup Server: datastores (with maintenance modes and removable devices), namespaces, snapshots
/// with verification states, verify and sync jobs, remotes. Answers errors as PBS does: plain text, 400 for anything
/// that is not an explicit HTTP error, lists filtered silently by privilege.
/// </summary>
public sealed class PbsSimulator
{
    private readonly PbsServerState _state;

    public PbsSimulator(BackupServerSpec spec, DateTimeOffset now, Func<string, PbsSimulator?>? peers = null)
    {
        _state = new PbsServerState(spec, now, peers ?? (_ => null));
        Tickets = new LabTickets("PBS", spec.Users);
    }

    public string Name => _state.Spec.Name;

    internal LabTickets Tickets { get; }

    public BackupServerSpec Spec => _state.Spec;

    public LabServer Server { get; private set; } = null!;

    /// <summary>The snapshots now (a copy: tests change them while the server answers).</summary>
    internal IReadOnlyList<PbsSnapshot> Snapshots => _state.Snapshots;

    /// <summary>One group's snapshots now, newest first: when each was taken and whether it is protected.</summary>
    public IReadOnlyList<(DateTimeOffset Time, bool Protected)> GroupOf(string datastore, string ns, string type, int id) =>
        [
            .. _state
                .Snapshots.Where(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id)
                .OrderByDescending(s => s.Time)
                .Select(s => (DateTimeOffset.FromUnixTimeSeconds(s.Time), s.Protected)),
        ];

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_state.Spec.Name, port, Map, cancellationToken, pbsErrors: true);

    /// <summary>Restarts on the same port with a newly generated certificate (a re-installed or re-keyed server).</summary>
    public async Task RestartWithNewCertificateAsync(CancellationToken cancellationToken)
    {
        var port = Server.Url.Port;
        await Server.DisposeAsync();
        Server = await LabServer.StartAsync(_state.Spec.Name, port, Map, cancellationToken, pbsErrors: true);
    }

    /// <summary>A new backup of <paramref name="type"/>/<paramref name="id"/> at <paramref name="time"/> (still running, or finished and unverified).</summary>
    public void AddSnapshot(string datastore, string ns, string type, int id, DateTimeOffset time, bool inProgress = false, bool encrypted = false) =>
        _state.AddSnapshot(datastore, ns, type, id, time, inProgress, encrypted);

    /// <summary>The running backup of the group finishes (its manifest is written).</summary>
    public void FinishSnapshots(string datastore) => _state.FinishSnapshots(datastore);

    /// <summary>A verification job over the datastore: every finished snapshot not yet verified gets <paramref name="state"/>.</summary>
    public void Verify(string datastore, string state, DateTimeOffset at) => _state.Verify(datastore, state, at);

    /// <summary>A protection flag set or cleared by hand (no task, no change to the group list).</summary>
    public void SetProtected(string datastore, string ns, string type, int id, bool value) => _state.SetProtected(datastore, ns, type, id, value);

    /// <summary>One snapshot's protection flag (what PVE's storage plugin sets through PBS); false when there is no such snapshot.</summary>
    internal bool SetSnapshotProtected(string datastore, string ns, string type, int id, long time, bool value) =>
        _state.SetSnapshotProtected(datastore, ns, type, id, time, value);

    /// <summary>Prunes a group to its newest <paramref name="keepLast"/> unprotected finished snapshots (protected ones stay, taking no slot): a prune task.</summary>
    public void Prune(string datastore, string ns, string type, int id, int keepLast, DateTimeOffset at) =>
        _state.Prune(datastore, ns, type, id, keepLast, at);

    /// <summary>Forgets the newest snapshot of a group by hand (<c>DELETE …/snapshots</c>: no worker task).</summary>
    public void Forget(string datastore, string ns, string type, int id) => _state.Forget(datastore, ns, type, id);

    private void Map(WebApplication app, LabServer server)
    {
        var api = app.MapGroup("/api2/json").RequireToken(_state.Spec.Tokens, "PBSAPIToken", ':', server.Faults, Tickets, "PBSAuthCookie");
        api.MapTicketLogin(Tickets);
        new PbsJobRoutes(_state).Map(api);
        new PbsDatastoreRoutes(_state).Map(api);
    }
}
