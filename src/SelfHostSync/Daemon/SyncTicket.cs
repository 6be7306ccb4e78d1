using SelfHostSync.Core.Sync;

namespace SelfHostSync.Daemon;

/// <summary>A queued or running pass; everyone who asked for it while it was queued shares it.</summary>
internal sealed class SyncTicket(string runId, string trigger, DateTimeOffset requestedAt)
{
    private readonly TaskCompletionSource<RunReport?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RunId { get; } = runId;

    public string Trigger { get; } = trigger;

    public DateTimeOffset RequestedAt { get; } = requestedAt;

    /// <summary>The report when the pass finished, or null when it failed or was cancelled (never throws).</summary>
    public Task<RunReport?> Completion => _done.Task;

    public string? Error { get; private set; }

    public void Complete(RunReport report) => _done.TrySetResult(report);

    public void Fail(string error)
    {
        Error = error;
        _done.TrySetResult(null);
    }
}
