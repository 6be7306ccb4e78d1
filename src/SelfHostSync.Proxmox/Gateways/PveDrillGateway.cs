using System.Globalization;
using System.Text.Json;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The cluster as restore drills use it. Every call that names a guest checks that it lies in the drill range, except
/// the two reads about the source guest (its backups and whether a backup of it runs): a bug elsewhere can never
/// make a drill start, stop, change or destroy a production guest.
/// </summary>
internal sealed class PveDrillGateway(PveCluster cluster, IPveApi api, VmidRange range) : IDrillCluster
{
    private ProxmoxEndpoint Endpoint => cluster.Endpoint;

    /// <summary>The reads a drill and <c>doctor</c> make before a restore: privileges, SDN zones, bridges, blockers.</summary>
    internal PveDrillChecks Checks { get; } = new(cluster, api);

    public async Task<IReadOnlyList<ClusterGuest>> GuestsAsync(CancellationToken cancellationToken)
    {
        var rows = await Get("GET /cluster/resources", () => api.GetResourcesAsync("vm", cancellationToken));
        return rows.Where(r => r.Vmid is > 0 && r.Node is not null && r.Type is "qemu" or "lxc")
            .Select(r => new ClusterGuest(
                r.Vmid!.Value,
                r.Node!,
                r.Type!,
                r.Name,
                TagList.Parse(r.Tags),
                r.Lock,
                r.Status ?? "unknown",
                Wire.Bool(r.Template),
                r.Pool
            ))
            .ToList();
    }

    public async Task<bool> BackupRunningAsync(ClusterGuest source, CancellationToken cancellationToken)
    {
        var what = $"GET /nodes/{source.Node}/tasks (active vzdump)";
        var active = await Get(what, () => api.GetActiveTasksAsync(source.Node, "active", "vzdump", cancellationToken));
        var vmid = source.Vmid.ToString(CultureInfo.InvariantCulture);

        // The active list also shows tasks that ended but are not archived yet, with their real status: only RUNNING runs.
        // A job over several guests runs as one task with an empty id: it may be backing this guest up next.
        return active.Any(t => t.Status == "RUNNING" && (string.IsNullOrEmpty(t.Id) || t.Id == vmid));
    }

    /// <summary>
    /// The newest finished backup of the source on any storage the node reaches. A storage that cannot be listed (offline
    /// NFS, PBS down) is passed over while another one answers: a drill of the newest backup found still proves it.
    /// </summary>
    public async Task<BackupArchive?> NewestBackupAsync(ClusterGuest source, string node, CancellationToken cancellationToken)
    {
        var storages = await Get("GET /storage", () => api.GetStoragesAsync(cancellationToken));
        BackupArchive? newest = null;
        ProxmoxApiException? failed = null;
        foreach (var s in storages.Where(s => s.Storage is not null && Holds(s, node)))
        {
            var what = $"GET /nodes/{node}/storage/{s.Storage}/content";
            List<ContentDto> items;
            try
            {
                items = await Get(what, () => api.GetBackupsOfAsync(node, s.Storage!, "backup", source.Vmid, cancellationToken));
            }
            catch (ProxmoxApiException ex) when (ex.Kind is not ProxmoxErrorKind.Unauthorized)
            {
                failed ??= ex;
                continue;
            }

            foreach (
                var item in items.Where(i =>
                    i.Volid is not null
                    && i.Ctime is not null
                    && Wire.Int(i.Vmid) == source.Vmid
                    && IsOfType(i, source.Type)
                    && !BackupStorages.Unfinished(i)
                )
            )
            {
                var time = Wire.Epoch(item.Ctime!.Value);
                if (newest is null || time > newest.Time)
                {
                    newest = new BackupArchive(item.Volid!, s.Storage!, time, item.Size);
                }
            }
        }

        return newest is null && failed is not null ? throw failed : newest;
    }

    public async Task<StorageSpace> TargetSpaceAsync(string node, string storage, CancellationToken cancellationToken)
    {
        var status = await Get($"GET /nodes/{node}/storage/{storage}/status", () => api.GetStorageStatusAsync(node, storage, cancellationToken));
        return new StorageSpace(status.Total ?? 0, status.Avail ?? 0, Wire.Bool(status.Active));
    }

    /// <summary>A read about the source guest (its config) and about the token (its privileges): allowed outside the range.</summary>
    public async Task<IReadOnlyList<string>> RestoreBlockersAsync(
        ClusterGuest source,
        string node,
        DrillIsolation isolation,
        CancellationToken cancellationToken
    ) => await Checks.BlockersAsync(source, await Checks.PreflightAsync(node, cancellationToken), isolation, cancellationToken);

    public async Task<string> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        Scratch(request.ScratchVmid);
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["vmid"] = request.ScratchVmid.ToString(CultureInfo.InvariantCulture),
            ["storage"] = request.TargetStorage,
            ["unique"] = "1",
            ["start"] = "0",
            ["tags"] = DrillSettings.Tag,

            // Overrides of the backup's config: never started at boot, never protected from the destroy that follows.
            ["onboot"] = "0",
            ["protection"] = "0",
        };
        if (request.Type == "lxc")
        {
            form["ostemplate"] = request.Archive;
            form["restore"] = "1";
            form["hostname"] = request.Name;
        }
        else
        {
            form["archive"] = request.Archive;
            form["name"] = request.Name;
        }

        return await Get($"POST /nodes/{request.Node}/{request.Type}", () =>
            api.CreateGuestAsync(request.Node, request.Type, form, cancellationToken)
        );
    }

    public async Task<DrillTaskStatus> TaskAsync(string node, string upid, CancellationToken cancellationToken)
    {
        var status = await Get("GET task status", () => api.GetTaskStatusAsync(node, upid, cancellationToken));
        if (status.Status == "running")
        {
            return new DrillTaskStatus(DrillTaskState.Running, null);
        }

        var exit = status.ExitStatus ?? "unknown";
        if (exit == "OK" || exit.StartsWith("WARNINGS", StringComparison.Ordinal))
        {
            return new DrillTaskStatus(DrillTaskState.Ok, exit);
        }

        return new DrillTaskStatus(DrillTaskState.Failed, await ExplainAsync(node, upid, exit, cancellationToken));
    }

    public async Task StopTaskAsync(string node, string upid, CancellationToken cancellationToken)
    {
        var id =
            upid.Split(':') is { Length: > 6 } parts && int.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        Scratch(id);
        await Call("DELETE task", () => api.StopTaskAsync(node, upid, cancellationToken));
    }

    public async Task<ScratchConfig> ReadConfigAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Scratch(vmid);
        var raw = await Get($"GET /nodes/{node}/{type}/{vmid}/config", () => api.GetGuestConfigAsync(node, type, vmid, cancellationToken));
        var values = raw.Where(kv => kv.Key != "digest")
            .ToDictionary(
                kv => kv.Key,
                kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText(),
                StringComparer.Ordinal
            );
        return new ScratchConfig(values, Wire.String(raw.GetValueOrDefault("digest")) ?? string.Empty);
    }

    public async Task WriteConfigAsync(string node, string type, int vmid, IsolationChange change, string digest, CancellationToken cancellationToken)
    {
        Scratch(vmid);
        var form = new Dictionary<string, string>(change.Set, StringComparer.Ordinal) { ["digest"] = digest };
        if (change.Delete.Count > 0)
        {
            form["delete"] = string.Join(',', change.Delete);
        }

        await Call($"PUT /nodes/{node}/{type}/{vmid}/config", () => api.PutGuestConfigAsync(node, type, vmid, form, cancellationToken));
    }

    public Task<string> StartAsync(string node, string type, int vmid, CancellationToken cancellationToken) =>
        Get($"POST /nodes/{node}/{type}/{Scratch(vmid)}/status/start", () => api.StartGuestAsync(node, type, vmid, cancellationToken));

    public Task<string> StopAsync(string node, string type, int vmid, CancellationToken cancellationToken) =>
        Get($"POST /nodes/{node}/{type}/{Scratch(vmid)}/status/stop", () => api.StopGuestAsync(node, type, vmid, cancellationToken));

    public Task<string> DestroyAsync(string node, string type, int vmid, CancellationToken cancellationToken) =>
        Get($"DELETE /nodes/{node}/{type}/{Scratch(vmid)}", () => api.DestroyGuestAsync(node, type, vmid, 1, 1, cancellationToken));

    public async Task<string> StatusAsync(string node, string type, int vmid, CancellationToken cancellationToken) =>
        (
            await Get($"GET /nodes/{node}/{type}/{Scratch(vmid)}/status/current", () => api.GetGuestStatusAsync(node, type, vmid, cancellationToken))
        ).Status
        ?? "unknown";

    public async Task<AgentAnswer> PingAgentAsync(string node, int vmid, CancellationToken cancellationToken)
    {
        try
        {
            await Call($"POST /nodes/{node}/qemu/{Scratch(vmid)}/agent/ping", () => api.PingAgentAsync(node, vmid, cancellationToken));
            return AgentAnswer.Answered;
        }
        catch (ProxmoxApiException ex) when (ex.Message.Contains("No QEMU guest agent configured", StringComparison.OrdinalIgnoreCase))
        {
            return AgentAnswer.NotConfigured;
        }
        catch (ProxmoxApiException ex)
            when (ex.Message.Contains("not running", StringComparison.OrdinalIgnoreCase)
                || (ex.Kind == ProxmoxErrorKind.Failed && ex.Status == System.Net.HttpStatusCode.InternalServerError)
            )
        {
            // Agent.pm passes QMP errors on as they are ("qmp command 'guest-ping' failed - got timeout", a socket not
            // yet there): a guest still booting. Keep polling until the drill's boot timeout, as for "not running".
            return AgentAnswer.NotRunning;
        }
    }

    public async Task<int> ExecAsync(string node, int vmid, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var what = $"POST /nodes/{node}/qemu/{Scratch(vmid)}/agent/exec";
        var started = await AgentCall(what, () => api.ExecAsync(node, vmid, new AgentExecRequest(command), cancellationToken));
        return started.Pid ?? throw ProxmoxClients.NoData(Endpoint, what);
    }

    public async Task<GuestExecStatus> ExecStatusAsync(string node, int vmid, int pid, CancellationToken cancellationToken)
    {
        var status = await AgentCall($"GET /nodes/{node}/qemu/{Scratch(vmid)}/agent/exec-status", () =>
            api.ExecStatusAsync(node, vmid, pid, cancellationToken)
        );
        return new GuestExecStatus(Wire.Bool(status.Exited), status.ExitCode, status.Signal, status.OutData, status.ErrData);
    }

    /// <summary>
    /// An agent call whose 500 answers are the agent's (Agent.pm: "QEMU guest agent is not running", "VM … is not
    /// running", "Agent error: …", a QGA timeout): a <see cref="GuestExecException"/> for the probe; a refused privilege
    /// (403) or a transport failure stays an API error, which ends the drill in error.
    /// </summary>
    private async Task<T> AgentCall<T>(string what, Func<Task<PveData<T>>> call)
        where T : class
    {
        try
        {
            return await Get(what, call);
        }
        catch (ProxmoxApiException ex) when (ex.Status == System.Net.HttpStatusCode.InternalServerError)
        {
            var gone = !ex.Message.Contains("Agent error", StringComparison.Ordinal);
            var at = ex.Message.IndexOf("HTTP 500 ", StringComparison.Ordinal);
            throw new GuestExecException(at < 0 ? ex.Message : ex.Message[(at + "HTTP 500 ".Length)..].Trim(), gone);
        }
    }

    /// <summary>The task's exit status plus the log line that says what went wrong (pbs-restore and vma print it before TASK ERROR).</summary>
    private async Task<string> ExplainAsync(string node, string upid, string exit, CancellationToken cancellationToken)
    {
        try
        {
            var lines = await Get("GET task log", () => api.GetTaskLogAsync(node, upid, 500, cancellationToken));
            var cause = lines
                .Select(l => l.T)
                .LastOrDefault(t => t is not null && !t.StartsWith("TASK ERROR", StringComparison.Ordinal) && IsErrorLine(t));
            return cause is null || exit.Contains(cause, StringComparison.Ordinal) ? exit : $"{exit} ({cause.Trim()})";
        }
        catch (ProxmoxApiException)
        {
            return exit;
        }
    }

    private static bool IsErrorLine(string line) =>
        line.Contains("failed", StringComparison.OrdinalIgnoreCase)
        || line.Contains("error", StringComparison.OrdinalIgnoreCase)
        || line.Contains("wrong", StringComparison.OrdinalIgnoreCase)
        || line.Contains("corrupt", StringComparison.OrdinalIgnoreCase);

    private static bool Holds(StorageDto s, string node) =>
        (s.Content ?? string.Empty).Split(',').Contains("backup", StringComparer.Ordinal)
        && !Wire.Bool(s.Disable)
        && (string.IsNullOrEmpty(s.Nodes) || s.Nodes.Split(',').Contains(node, StringComparer.Ordinal));

    private static bool IsOfType(ContentDto item, string type)
    {
        var subtype = item.Subtype
            ?? item.Format switch
            {
                "pbs-vm" => "qemu",
                "pbs-ct" => "lxc",
                _ => item.Volid!.Contains("vzdump-lxc-", StringComparison.Ordinal) ? "lxc"
                : item.Volid.Contains("vzdump-qemu-", StringComparison.Ordinal) ? "qemu"
                : null,
            };
        return subtype == type;
    }

    private int Scratch(int vmid) =>
        range.Contains(vmid) ? vmid : throw new InvalidOperationException($"refusing to touch VMID {vmid}: outside the drill range {range}");

    private async Task<T> Get<T>(string what, Func<Task<PveData<T>>> call)
        where T : class => ProxmoxClients.Require(Endpoint, what, (await ProxmoxClients.Call(Endpoint, what, call)).Data);

    private Task Call<T>(string what, Func<Task<PveData<T>>> call) => ProxmoxClients.Call(Endpoint, what, call);
}
