using SelfHostSync.State;

namespace SelfHostSync.Tests.State;

/// <summary>A state database and its stores, as <c>AddStateStore</c> makes them, for tests that use them directly.</summary>
internal sealed class OpenState : IDisposable
{
    private OpenState(StateDatabase database)
    {
        Database = database;
        Runs = new RunStore(database, TimeProvider.System);
        Drills = new DrillStore(database);
        Alerts = new AlertStore(database);
        KeptReads = new KeptReadStore(database);
    }

    public StateDatabase Database { get; }

    public RunStore Runs { get; }

    public DrillStore Drills { get; }

    public AlertStore Alerts { get; }

    public KeptReadStore KeptReads { get; }

    public string Path => Database.Path;

    public static OpenState In(string directory) => new(StateDatabase.Open(directory));

    public long Count(string table) => Database.Count(table);

    public void Dispose() => Database.Dispose();
}
