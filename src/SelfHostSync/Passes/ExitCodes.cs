namespace SelfHostSync.Passes;

/// <summary>Exit codes of DESIGN §6.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UnknownGuest = 2;
    public const int Degraded = 3;
    public const int DrillFailed = 4;
    public const int DaemonUnreachable = 69;
    public const int BadConfig = 78;
}
