namespace SelfHostSync.Core.Sync;

/// <summary>
/// Where each finished pass is shown beyond Proxmox, on a connection of its own (Home Assistant through MQTT). The
/// daemon hands over every report and never waits: a slow or absent receiver holds up no pass.
/// </summary>
public interface IPassAudience
{
    /// <summary>Takes the newest report and returns at once; an older one not shown yet is superseded.</summary>
    void Show(RunReport report);

    /// <summary>Keeps the connection and shows what was handed over, until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What an audience published and still stands on the far side (retained messages: topic → payload), kept across
/// restarts so that a guest deleted while the daemon was down is still taken away, and a check that cannot be read
/// keeps the state last shown.
/// </summary>
public interface IAudienceMemory
{
    Task<IReadOnlyDictionary<string, string>> LoadAsync(string audience, CancellationToken cancellationToken);

    /// <summary>Records published payloads; a null payload means the topic was cleared.</summary>
    Task SaveAsync(string audience, IReadOnlyList<KeyValuePair<string, string?>> changes, CancellationToken cancellationToken);
}
