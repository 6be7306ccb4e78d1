using SelfHostSync.State;

namespace SelfHostSync.Drills;

/// <summary>
/// One drill run at a time across processes (the daemon and <c>drill</c> on the command line): an exclusive lock on
/// <c>drills.lock</c> in the state directory, held for a sweep or a run and released by the kernel if the process dies.
/// While it is held, no drill runs anywhere else, so every drill still marked running belongs to a dead process.
/// </summary>
internal static class DrillLock
{
    public static IDisposable? TryAcquire(string stateDirectory) => StateLock.TryAcquire(stateDirectory, "drills.lock");
}
