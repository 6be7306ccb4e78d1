using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Policies;

/// <summary>The discipline a level demands. A null age means "not required at this level".</summary>
public sealed record LevelPolicy
{
    public bool RequireBackup { get; init; }

    public TimeSpan? BackupMaxAge { get; init; }

    public TimeSpan? VerifyMaxAge { get; init; }

    public TimeSpan? RestoreTestMaxAge { get; init; }

    public TimeSpan? OffsiteMaxAge { get; init; }

    public bool RequireJob { get; init; }

    public bool RequireDocs { get; init; }

    public bool RequireIntentConsistency { get; init; }

    public bool RequireHealthyStorage { get; init; }

    /// <summary>Inventory levels 0 and 1: a data export must have been tested within this age.</summary>
    public TimeSpan? ExportMaxAge { get; init; }

    /// <summary>Inventory level 2: the machine must have been patched within this age.</summary>
    public TimeSpan? PatchMaxAge { get; init; }
}

/// <summary>Policies for every level, with the defaults of DESIGN §3.</summary>
public sealed class PolicyTable
{
    private readonly Dictionary<Level, LevelPolicy> _policies;

    public PolicyTable(IReadOnlyDictionary<Level, LevelPolicy>? overrides = null)
    {
        _policies = new Dictionary<Level, LevelPolicy>(DefaultPolicies);
        foreach (var (level, policy) in overrides ?? new Dictionary<Level, LevelPolicy>())
        {
            _policies[level] = policy;
        }
    }

    public static IReadOnlyDictionary<Level, LevelPolicy> DefaultPolicies { get; } =
        new Dictionary<Level, LevelPolicy>
        {
            [Level.Saas] = new() { ExportMaxAge = TimeSpan.FromDays(365) },
            [Level.Managed] = new() { ExportMaxAge = TimeSpan.FromDays(365) },
            [Level.Vps] = new()
            {
                RequireBackup = true,
                BackupMaxAge = TimeSpan.FromHours(30),
                RestoreTestMaxAge = TimeSpan.FromDays(180),
                RequireJob = true,
                RequireHealthyStorage = true,
                PatchMaxAge = TimeSpan.FromDays(35),
            },
            [Level.Homelab] = new() { RequireDocs = true, RequireIntentConsistency = true },
            [Level.Production] = new()
            {
                RequireBackup = true,
                BackupMaxAge = TimeSpan.FromHours(30),
                VerifyMaxAge = TimeSpan.FromDays(35),
                RestoreTestMaxAge = TimeSpan.FromDays(90),
                OffsiteMaxAge = TimeSpan.FromDays(8),
                RequireJob = true,
                RequireHealthyStorage = true,
            },
        };

    public static PolicyTable Default { get; } = new();

    public LevelPolicy For(Level level) => _policies[level];
}
