using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.State;

namespace SelfHostSync.Passes;

/// <summary>The report a command reads from: the last finished run when it answers, else a dry-run pass now.</summary>
internal sealed class ReportSource(RunStore store, Lazy<PassRunner> runner)
{
    /// <summary>The last finished run when it holds <paramref name="guest"/> and <paramref name="live"/> is off; otherwise a dry-run pass.</summary>
    /// <returns>The report, and whether it came from the state store.</returns>
    public async Task<(RunReport Report, bool FromStore)> ForGuestAsync(GuestKey guest, bool live, CancellationToken cancellationToken)
    {
        if (
            !live
            && await store.LastRunAsync(cancellationToken) is { } last
            && last.Guests.Any(g => g.Cluster == guest.Cluster && g.Vmid == guest.Vmid)
        )
        {
            return (last, true);
        }

        return (await runner.Value.RunAsync(dryRun: true, null, cancellationToken), false);
    }

    /// <summary>The last finished run; without one, a dry-run pass to know every guest's level.</summary>
    public async Task<RunReport> LatestAsync(CancellationToken cancellationToken) =>
        await store.LastRunAsync(cancellationToken) ?? await runner.Value.RunAsync(dryRun: true, null, cancellationToken);
}
