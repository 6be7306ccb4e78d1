using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Drills;

/// <summary>How a drill proves the restored guest works.</summary>
public enum DrillProbe
{
    /// <summary>The QEMU guest agent answers a ping (containers always use <see cref="Running"/>).</summary>
    Agent,

    /// <summary>The guest is still running after <see cref="DrillSettings.RunningTime"/>.</summary>
    Running,
}

/// <summary>How the scratch guest is kept off the production network: every NIC link down, or an isolated bridge.</summary>
/// <param name="Bridge">The isolated bridge every NIC is moved to; null means <c>link_down=1</c> on every NIC.</param>
public sealed record DrillIsolation(string? Bridge)
{
    public static DrillIsolation LinkDown { get; } = new((string?)null);

    public override string ToString() => Bridge is null ? "link-down" : $"bridge:{Bridge}";
}

/// <summary>The validated <c>RestoreDrills</c> section.</summary>
public sealed record DrillSettings
{
    /// <summary>The tag every scratch guest carries from its creation; nothing without it is ever touched.</summary>
    public const string Tag = "selfhostsync-drill";

    public required string Cluster { get; init; }

    public required string Node { get; init; }

    public required string TargetStorage { get; init; }

    public required VmidRange Range { get; init; }

    public DrillIsolation Isolation { get; init; } = DrillIsolation.LinkDown;

    public DrillProbe Probe { get; init; } = DrillProbe.Agent;

    public TimeSpan RunningTime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Checks run inside the restored guest after it booted (QEMU guests with an agent).</summary>
    public IReadOnlyList<ApplicationProbe> ApplicationProbes { get; init; } = [];

    /// <summary>How many of a guest's newest proven backups are kept protected (<c>ProtectProven</c>); 0 when off.</summary>
    public int KeepProven { get; init; }

    /// <summary>Failed drills of one guest in a row that give one escalated notification.</summary>
    public int EscalateAfter { get; init; } = 3;

    /// <summary>Restore, boot and probe together; the scratch guest is destroyed when it runs out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public int MaxParallel { get; init; } = 1;

    public IReadOnlySet<Level> Levels { get; init; } = new HashSet<Level> { Level.Production, Level.Vps };

    /// <summary>How often task status and the guest agent are asked while waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long stopping and destroying the scratch guest may take, independent of the drill's own timeout.</summary>
    public TimeSpan CleanupTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The share of the target storage that must still be free after the restore (it may be shared with production guests).</summary>
    public double FreeSpaceMargin { get; init; } = 0.10;

    /// <summary>Takes configured secrets out of text that reaches records and outputs (server and exception messages).</summary>
    public Func<string, string> Redact { get; init; } = text => text;
}
