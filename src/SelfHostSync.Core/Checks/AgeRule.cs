using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Checks;

/// <summary>Turns an evidence age and an allowed age into pass, warn (last quarter of the allowed age) or fail.</summary>
public static class AgeRule
{
    public static CheckResult Judge(string id, string what, DateTimeOffset at, TimeSpan maxAge, DateTimeOffset now)
    {
        var age = now - at;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        var detail = $"{what} {Durations.Format(age)} old, policy {Durations.Format(maxAge)}";
        var status =
            age > maxAge ? CheckStatus.Fail
            : age > maxAge * 0.75 ? CheckStatus.Warn
            : CheckStatus.Pass;
        return new CheckResult(id, status, detail, at);
    }
}
