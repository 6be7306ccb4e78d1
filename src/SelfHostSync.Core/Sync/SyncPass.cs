using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Sync;

/// <summary>
/// One pass: collect → classify → assess → plan → apply → record. Degraded-source semantics live here, once:
/// a failed source turns everything it speaks for into unknown evidence, and unknown evidence freezes its tags.
/// </summary>
public sealed class SyncPass(IReadOnlyList<IEvidenceSource> sources, ITagWriter writer, IStateStore store, SyncSettings settings, TimeProvider time)
{
    public async Task<RunReport> RunAsync(SyncRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var runId = request.RunId ?? Guid.CreateVersion7(startedAt).ToString();
        await store.BeginRunAsync(runId, startedAt, request.DryRun, cancellationToken);

        progress?.Report(new SyncProgress("collecting", 0, sources.Count));
        var collected = await CollectAsync(progress, cancellationToken);

        var seenTests = collected.SelectMany(c => c.Batch.RestoreTests).ToList();
        if (seenTests.Count > 0)
        {
            await store.RecordRestoreTestsAsync(seenTests, cancellationToken);
        }

        // Recorded before the clock check existed, or by hand: a test "from the future" never ages and is not used.
        var stored = (await store.LoadRestoreTestsAsync(cancellationToken)).Where(t => !FutureEvidence.IsFuture(t.At, time.GetUtcNow())).ToList();
        var ours = await store.LoadHeldProtectionsAsync(cancellationToken);
        var evidence = EvidenceSet.From(collected.Select(c => Drills.OwnProtections.Unmark(c.Batch, ours)), stored);

        progress?.Report(new SyncProgress("assessing", 0, evidence.Guests.Count));
        var now = time.GetUtcNow();
        var verdicts = GuestVerdict.DecideAll(evidence, settings, now);

        var outcomes = await ApplyAsync(runId, verdicts, request.DryRun, progress, cancellationToken);

        var report = new RunReport
        {
            RunId = runId,
            StartedAt = startedAt,
            FinishedAt = time.GetUtcNow(),
            DryRun = request.DryRun,
            Degraded = collected.Any(c => !c.Report.Ok),
            Sources = collected.Select(c => c.Report).ToList(),
            Guests = verdicts.Select((v, i) => ReportOf(v, outcomes[i], request.DryRun)).ToList(),
            Writes = outcomes.Count(o => o?.Status == TagWriteStatus.Written),
            WriteFailures = outcomes.Count(o => o?.Status == TagWriteStatus.Failed),
            Skipped = evidence.Guests.Where(g => g.Template).Select(g => new SkippedGuest(g.Key.Cluster, g.Key.Vmid, g.Name, "template")).ToList(),
            Inventory = settings.Inventory.Select(e => InventoryReportOf(e, now)).ToList(),
        };
        await store.CompleteRunAsync(report, cancellationToken);
        progress?.Report(new SyncProgress("done", verdicts.Count, verdicts.Count));
        return report;
    }

    private async Task<IReadOnlyList<Collected>> CollectAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var done = 0;
        var tasks = sources.Select(async source =>
        {
            Collected result;
            using var deadline = new CancellationTokenSource(settings.SourceTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                // Cancelled at the deadline, and not waited for any longer should the source not stop in time.
                var batch = await source
                    .CollectAsync(linked.Token)
                    .WaitAsync(settings.SourceTimeout + TimeSpan.FromSeconds(5), time, cancellationToken);
                batch = FutureEvidence.Screen(batch, source.Id.ToString(), time.GetUtcNow());

                // Server and exception texts reach checks, reports, the store and notifications from here.
                batch = batch with
                {
                    Gaps = [.. batch.Gaps.Select(g => g with { Reason = settings.Redact(g.Reason) })],
                    Findings = [.. batch.Findings.Select(settings.Redact)],
                };
                var error = Describe(batch.Gaps);
                result = new Collected(batch, new SourceReport(source.Id.Kind, source.Id.Name, error is null, error) { Findings = batch.Findings });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var why =
                    deadline.IsCancellationRequested || ex is TimeoutException
                        ? $"{source.Id}: did not finish collecting within {Durations.Format(settings.SourceTimeout)} (SourceTimeout)"
                        : ex.Message;
                why = settings.Redact(why);
                var gaps = source.Scope.Select(s => new EvidenceGap(s, source.Id.ToString(), why)).ToList();
                result = new Collected(new EvidenceBatch { Gaps = gaps }, new SourceReport(source.Id.Kind, source.Id.Name, false, why));
            }

            progress?.Report(new SyncProgress("collecting", Interlocked.Increment(ref done), sources.Count));
            return result;
        });
        return await Task.WhenAll(tasks);
    }

    // Every distinct reason (a source may leave several parts unknown: a storage offline, backups PVE hides), a few at most.
    private static string? Describe(IReadOnlyList<EvidenceGap> gaps)
    {
        if (gaps.Count == 0)
        {
            return null;
        }

        var reasons = gaps.Select(g => g.Reason).Distinct(StringComparer.Ordinal).ToList();
        const int Shown = 4;
        return reasons.Count <= Shown
            ? string.Join("; ", reasons)
            : string.Join("; ", reasons.Take(Shown))
                + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; and {reasons.Count - Shown} more");
    }

    private async Task<TagWriteOutcome?[]> ApplyAsync(
        string runId,
        IReadOnlyList<GuestVerdict> verdicts,
        bool dryRun,
        IProgress<SyncProgress>? progress,
        CancellationToken cancellationToken
    )
    {
        var outcomes = new TagWriteOutcome?[verdicts.Count];
        if (dryRun || !settings.WriteTags)
        {
            return outcomes;
        }

        var pending = Enumerable.Range(0, verdicts.Count).Where(i => verdicts[i].Plan.HasChanges).ToList();
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.WriteParallelism), CancellationToken = cancellationToken };
        // Cancellation (a stopping daemon) stops new writes; a write already sent finishes and is audited, so the
        // audit table never misses a write that happened. The HTTP timeouts bound how long that can take.
        await Parallel.ForEachAsync(pending, options, async (i, _) =>
        {
            var verdict = verdicts[i];
            TagWriteOutcome outcome;
            if (verdict.Guest.Lock is { } held)
            {
                outcome = new TagWriteOutcome(TagWriteStatus.Locked, verdict.Plan.Before, verdict.Plan.Before, $"guest is locked ({held})");
            }
            else
            {
                // Intent first: a crash between the PUT and the audit row must not lose the fact that a write may have happened.
                var intent = await store.RecordWriteIntentAsync(
                    new TagWriteAudit(runId, verdict.Guest.Key, time.GetUtcNow(), verdict.Plan.Before, verdict.Plan.After),
                    CancellationToken.None
                );
                outcome = await writer.WriteAsync(verdict.Guest, verdict.Plan.Change, CancellationToken.None);
                await store.ResolveWriteAsync(
                    intent,
                    new TagWriteAudit(runId, verdict.Guest.Key, time.GetUtcNow(), outcome.Before, outcome.After),
                    outcome.Status == TagWriteStatus.Written,
                    CancellationToken.None
                );
            }

            outcomes[i] = outcome;
            progress?.Report(new SyncProgress("writing", Interlocked.Increment(ref done), pending.Count));
        });
        return outcomes;
    }

    private GuestReport ReportOf(GuestVerdict verdict, TagWriteOutcome? outcome, bool dryRun)
    {
        var guest = verdict.Guest;
        var plan = verdict.Plan;
        var status = outcome?.Status switch
        {
            null when !plan.HasChanges => GuestWriteStatus.None,
            null when dryRun => GuestWriteStatus.DryRun,
            null => GuestWriteStatus.Disabled,
            TagWriteStatus.Written => GuestWriteStatus.Written,
            TagWriteStatus.Unchanged => GuestWriteStatus.Unchanged,
            TagWriteStatus.Conflict => GuestWriteStatus.Conflict,
            TagWriteStatus.Locked => GuestWriteStatus.Locked,
            _ => GuestWriteStatus.Failed,
        };
        return new GuestReport
        {
            Cluster = guest.Key.Cluster,
            Vmid = guest.Key.Vmid,
            Node = guest.Node,
            Type = guest.TypeCode,
            Name = guest.Name,
            Level = verdict.Classification.Level,
            LevelReasons = verdict.Classification.Reasons,
            LevelCertain = verdict.Classification.Certain,
            Checks = verdict.Checks,
            TagsBefore = Sorted(outcome?.Before ?? plan.Before),
            TagsAfter = Sorted(outcome is { Status: TagWriteStatus.Written or TagWriteStatus.Unchanged } ? outcome.After : plan.After),
            Written = outcome?.Status == TagWriteStatus.Written,
            WriteStatus = status,
            WriteDetail = outcome?.Detail is { } detail ? settings.Redact(detail) : null,
            ProvenRestorePoint = verdict.Proven,
        };
    }

    private InventoryReport InventoryReportOf(InventoryEntry entry, DateTimeOffset now) =>
        new(entry.Name, entry.Level, entry.Vendor, InventoryAssessor.Assess(entry, settings.Policies.For(entry.Level), now));

    private static IReadOnlyList<string> Sorted(IReadOnlyList<string> tags) => tags.Order(StringComparer.OrdinalIgnoreCase).ToList();

    private sealed record Collected(EvidenceBatch Batch, SourceReport Report);
}
