using SelfHostSync.Configuration;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Passes;

/// <summary>
/// One pass over the registered sources (<c>AddSelfHostSync</c>): the cross-process pass lock, the Core pass, the
/// datacenter tag style, keeping configuration reads for the next process, and the log lines of the outcome.
/// </summary>
internal sealed class PassRunner(
    AppConfig config,
    IEnumerable<IEvidenceSource> sources,
    ITagWriter tagWriter,
    ITagStyleWriter tagStyle,
    IStateStore store,
    KeptReadStore keptReads,
    ReadMemory memory,
    TimeProvider time,
    ILogger log
)
{
    private readonly IReadOnlyList<IEvidenceSource> _sources = [.. sources];

    public const string PassLockName = "pass.lock";

    public string StateDirectory => config.StateDirectory;

    /// <summary>
    /// One pass, holding <c>pass.lock</c> so that no two processes pass at once on this state directory (the daemon
    /// and <c>sync</c> by hand): <paramref name="waitForLock"/> waits for the other pass (the daemon), otherwise a held
    /// lock refuses the pass with <see cref="PassRunningException"/>.
    /// </summary>
    public async Task<RunReport> RunAsync(
        bool dryRun,
        IProgress<SyncProgress>? progress,
        CancellationToken cancellationToken,
        string? runId = null,
        bool waitForLock = false
    )
    {
        using var passLock = (
            waitForLock
                ? await StateLock.AcquireAsync(
                    config.StateDirectory,
                    PassLockName,
                    config.Sync.SourceTimeout + TimeSpan.FromMinutes(10),
                    time,
                    cancellationToken
                )
                : StateLock.TryAcquire(config.StateDirectory, PassLockName)
        ) ?? throw new PassRunningException();

        foreach (var insecure in config.Insecure)
        {
            log.Warning("TLS verification is OFF for {Endpoint} (InsecureSkipVerify): anyone on the path can impersonate it", insecure);
        }

        var pass = new SyncPass(_sources, tagWriter, store, config.Sync, time);
        var report = await pass.RunAsync(new SyncRequest(dryRun || config.DryRun, runId), progress, cancellationToken);
        await KeepReadsAsync(cancellationToken);
        foreach (var source in report.Sources.Where(s => !s.Ok))
        {
            log.Warning("Source {Kind}:{Source} degraded: {Error}", source.Kind, source.Name, source.Error);
        }

        foreach (var g in report.Guests.Where(g => g.WriteStatus.IsDeferredOrFailed()))
        {
            if (g.WriteStatus == GuestWriteStatus.Failed)
            {
                log.Error("Tag write for {Cluster}/{Vmid} failed: {Detail}", g.Cluster, g.Vmid, g.WriteDetail);
            }
            else
            {
                log.Information("Tag write for {Cluster}/{Vmid} deferred to the next pass: {Detail}", g.Cluster, g.Vmid, g.WriteDetail);
            }
        }

        foreach (var source in report.Sources)
        {
            foreach (var finding in source.Findings)
            {
                log.Debug("{Kind}:{Source}: {Finding}", source.Kind, source.Name, finding);
            }
        }

        if (!report.DryRun && config.Sync.WriteTags && (config.TagColorMap || config.TagRegister))
        {
            foreach (
                var (cluster, ok, message) in await tagStyle.ApplyAsync(
                    config.Sync.Vocabulary,
                    config.TagColorMap,
                    config.TagRegister,
                    cancellationToken
                )
            )
            {
                if (ok)
                {
                    log.Debug("Tag options of {Cluster}: {Result}", cluster, message);
                }
                else
                {
                    log.Warning("Tag options of {Cluster} not updated: {Error}", cluster, message);
                }
            }
        }

        log.Information(
            "Run {RunId} finished: {Guests} guests, {Writes} writes, degraded {Degraded}",
            report.RunId,
            report.Guests.Count,
            report.Writes,
            report.Degraded
        );
        return report;
    }

    /// <summary>What this pass read of configuration, for the next process; a busy database costs only a re-read later.</summary>
    private async Task KeepReadsAsync(CancellationToken cancellationToken)
    {
        var kept = memory.TakeKept();
        try
        {
            await keptReads.SaveKeptReadsAsync(kept, time.GetUtcNow(), cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            log.Warning("Configuration reads not kept for the next process ({Error}): it reads them again", ex.Message);
        }
    }

    public static int ExitCodeOf(RunReport report) =>
        report.WriteFailures > 0 ? ExitCodes.Failed
        : report.Degraded ? ExitCodes.Degraded
        : ExitCodes.Ok;
}

/// <summary>Another process (the daemon, a second <c>sync</c>) is passing on this state directory right now.</summary>
internal sealed class PassRunningException()
    : Exception("another SelfHostSync pass is running on this state directory (the daemon?): `selfhostsync resync --wait` asks the daemon for one");
