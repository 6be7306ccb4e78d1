namespace SelfHostSync.State;

/// <summary>
/// An exclusive lock file in the state directory, across processes (the daemon and commands run by hand), released by
/// the kernel when its process dies. <c>pass.lock</c>: one pass at a time; <c>drills.lock</c>: one drill run at a time.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileStream _file;

    private StateLock(FileStream file) => _file = file;

    /// <summary>The lock, or null while another process holds it.</summary>
    /// <exception cref="Configuration.ConfigException">The file cannot be opened at all (another user's, usually root's after a command run as root).</exception>
    public static StateLock? TryAcquire(string stateDirectory, string name)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, name);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            StateOwner.HandOver(stateDirectory, path);
            return new StateLock(stream);
        }
        catch (UnauthorizedAccessException)
        {
            throw new Configuration.ConfigException([
                $"StateDirectory: '{path}' cannot be opened (another user's file, e.g. after running selfhostsync as root): chown selfhostsync:selfhostsync {path}, and run admin commands as the service user",
            ]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits (polling) for the lock up to <paramref name="patience"/>; null when it stays held.</summary>
    public static async Task<StateLock?> AcquireAsync(
        string stateDirectory,
        string name,
        TimeSpan patience,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        var until = time.GetUtcNow() + patience;
        while (true)
        {
            if (TryAcquire(stateDirectory, name) is { } acquired)
            {
                return acquired;
            }

            if (time.GetUtcNow() >= until)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    public void Dispose() => _file.Dispose();
}
