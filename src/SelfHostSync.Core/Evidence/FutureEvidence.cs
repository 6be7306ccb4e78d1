using System.Globalization;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Evidence;

/// <summary>
/// Evidence dated in the future (a node or PBS whose clock ran ahead once: RTC, NTP) would count as new for years: a
/// snapshot "from 2031" keeps <c>backup.fresh</c> passing long after backups stopped. Past a few minutes of tolerance
/// such items are taken out and their guests' evidence of that kind is unknown (a partial gap: what else was seen still
/// stands), with a finding that names the clock. Reliability review M4.
/// </summary>
public static class FutureEvidence
{
    /// <summary>Clocks a little apart are normal; beyond this an item's date cannot be trusted.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool IsFuture(DateTimeOffset at, DateTimeOffset now) => at > now + Tolerance;

    /// <summary>The batch without future-dated copies, restore tests and replicas, plus the gaps and findings they leave.</summary>
    public static EvidenceBatch Screen(EvidenceBatch batch, string source, DateTimeOffset now)
    {
        var copies = batch.Copies.Where(c => IsFuture(c.Time, now)).ToList();
        var tests = batch.RestoreTests.Where(t => IsFuture(t.At, now)).ToList();
        var replicas = batch.Replicas.Where(r => IsFuture(r.CompletedAt, now)).ToList();
        if (copies.Count + tests.Count + replicas.Count == 0)
        {
            return batch;
        }

        var gaps = new List<EvidenceGap>(batch.Gaps);
        var findings = new List<string>(batch.Findings);
        foreach (var cluster in copies.GroupBy(c => c.Guest.Cluster, StringComparer.Ordinal))
        {
            var reason = Reason(source, "backup(s)", cluster.Max(c => c.Time), now, cluster.Count());
            gaps.Add(
                new EvidenceGap(
                    new EvidenceScope(
                        EvidenceKind.BackupCopies,
                        cluster.Key,
                        "copies dated in the future",
                        cluster.Select(c => c.Guest.Vmid).ToHashSet()
                    ),
                    source,
                    reason
                )
            );
            findings.Add(reason);
        }

        foreach (var cluster in tests.GroupBy(t => t.Guest.Cluster, StringComparer.Ordinal))
        {
            var reason = Reason(source, "restore test(s)", cluster.Max(t => t.At), now, cluster.Count());
            gaps.Add(
                new EvidenceGap(
                    new EvidenceScope(
                        EvidenceKind.RestoreTests,
                        cluster.Key,
                        "restore tests dated in the future",
                        cluster.Select(t => t.Guest.Vmid).ToHashSet()
                    ),
                    source,
                    reason
                )
            );
            findings.Add(reason);
        }

        foreach (var cluster in replicas.GroupBy(r => r.Cluster, StringComparer.Ordinal))
        {
            var reason = Reason(source, "replica(s)", cluster.Max(r => r.CompletedAt), now, cluster.Count());
            gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, cluster.Key, "replicas dated in the future"), source, reason));
            findings.Add(reason);
        }

        return batch with
        {
            Copies = [.. batch.Copies.Where(c => !IsFuture(c.Time, now))],
            RestoreTests = [.. batch.RestoreTests.Where(t => !IsFuture(t.At, now))],
            Replicas = [.. batch.Replicas.Where(r => !IsFuture(r.CompletedAt, now))],
            Gaps = gaps,
            Findings = findings,
        };
    }

    private static string Reason(string source, string what, DateTimeOffset newest, DateTimeOffset now, int count) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{count} {what} dated up to {Ahead(newest - now)} in the future: the clock of {source} (or of the host that wrote them) is wrong; they count as unknown until it is fixed"
        );

    private static string Ahead(TimeSpan span) => span.TotalDays > 3650 ? "more than 10 years" : Durations.Format(span);
}
