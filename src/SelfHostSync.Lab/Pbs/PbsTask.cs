using System.Globalization;

namespace SelfHostSync.Lab.Pbs;

/// <summary>A finished (or running) PBS worker task: what <c>GET /nodes/{node}/tasks</c> lists.</summary>
internal sealed record PbsTask(int Sequence, string Type, string WorkerId, long Start, long? End, string? Status)
{
    /// <summary>Unique per task, as PBS's (pid, process start, task counter) make it.</summary>
    public string Upid =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"UPID:pbs:0000A1B2:0012C3D4:{Sequence:X8}:{Start:X8}:{Type}:{WorkerId.Replace(":", "\\x3a", StringComparison.Ordinal)}:root@pam:"
        );
}
