using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Sync;

/// <summary>A source that returns what it is given, or fails like an unreachable server.</summary>
internal sealed class FakeSource(SourceId id, IReadOnlyList<EvidenceScope> scope, Func<EvidenceBatch> collect) : IEvidenceSource
{
    public SourceId Id { get; } = id;

    public IReadOnlyList<EvidenceScope> Scope { get; } = scope;

    public bool Fail { get; set; }

    public Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken) =>
        Fail ? throw new HttpRequestException($"{Id.Name}: connection refused") : Task.FromResult(collect());
}

/// <summary>A Proxmox stand-in: holds each guest's tags and applies changes to a fresh read.</summary>
internal sealed class FakeProxmox : ITagWriter
{
    public Dictionary<GuestKey, List<string>> Tags { get; } = [];

    public int Writes { get; private set; }

    public Queue<TagWriteStatus> NextOutcomes { get; } = new();

    public Task<TagWriteOutcome> WriteAsync(Guest guest, TagChange change, CancellationToken cancellationToken)
    {
        var before = Tags[guest.Key].ToList();
        if (NextOutcomes.TryDequeue(out var forced))
        {
            return Task.FromResult(new TagWriteOutcome(forced, before, before, forced.ToString()));
        }

        var after = TagPlanner.Apply(before, change);
        if (TagList.SetEquals(before, after))
        {
            return Task.FromResult(new TagWriteOutcome(TagWriteStatus.Unchanged, before, before));
        }

        Writes++;
        Tags[guest.Key] = after.ToList();
        return Task.FromResult(new TagWriteOutcome(TagWriteStatus.Written, before, after));
    }
}

internal sealed class InMemoryStore : IStateStore
{
    public Dictionary<string, RestoreTest> RestoreTests { get; } = [];

    public List<TagWriteAudit> Audit { get; } = [];

    public List<RunReport> Runs { get; } = [];

    public List<string> Begun { get; } = [];

    public Task<IReadOnlyList<RestoreTest>> LoadRestoreTestsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RestoreTest>>(RestoreTests.Values.ToList());

    public List<Core.Drills.HeldProtection> Held { get; } = [];

    public Task<IReadOnlyList<Core.Drills.HeldProtection>> LoadHeldProtectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Core.Drills.HeldProtection>>(Held.ToList());

    public Task RecordRestoreTestsAsync(IReadOnlyList<RestoreTest> tests, CancellationToken cancellationToken)
    {
        foreach (var t in tests)
        {
            RestoreTests.TryAdd(t.Id, t);
        }

        return Task.CompletedTask;
    }

    public Task BeginRunAsync(string runId, DateTimeOffset startedAt, bool dryRun, CancellationToken cancellationToken)
    {
        Begun.Add(runId);
        return Task.CompletedTask;
    }

    public List<TagWriteAudit> Intents { get; } = [];

    public Task<long> RecordWriteIntentAsync(TagWriteAudit audit, CancellationToken cancellationToken)
    {
        lock (Intents)
        {
            Intents.Add(audit);
            return Task.FromResult((long)Intents.Count);
        }
    }

    public Task ResolveWriteAsync(long id, TagWriteAudit audit, bool written, CancellationToken cancellationToken)
    {
        if (written)
        {
            lock (Audit)
            {
                Audit.Add(audit);
            }
        }

        return Task.CompletedTask;
    }

    public Task CompleteRunAsync(RunReport report, CancellationToken cancellationToken)
    {
        Runs.Add(report);
        return Task.CompletedTask;
    }
}
