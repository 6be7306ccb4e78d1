namespace SelfHostSync.Drills;

/// <summary>
/// One drill run at a time across processes (the daemon and <c>drill</c> on the command line): an exclusive lock on
/// <c>drills.lock</c> in the state directory, held for a sweep or a run and released by the kernel if the process dies.
/// While it is held, no drill runs anywhere else, so every drill still marked running belongs to a dead process.
/// </summary>
internal sealed class DrillLock : IDisposable
{
    private readonly FileStream _file;

    private DrillLock(FileStream file) => _file = file;

    public static DrillLock? TryAcquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        try
        {
            return new DrillLock(new FileStream(Path.Combine(stateDirectory, "drills.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
