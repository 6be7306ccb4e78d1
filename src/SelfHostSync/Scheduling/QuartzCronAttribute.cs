using SelfHostSync.Http.Settings;

namespace SelfHostSync.Scheduling;

/// <summary>A Quartz cron expression (with seconds); <see cref="WithReason"/> adds Quartz's own words on what is wrong.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class QuartzCronAttribute(string example) : OptionLineAttribute
{
    public bool WithReason { get; init; }

    protected override string? Problem(object value)
    {
        try
        {
            _ = new Quartz.CronExpression((string)value);
            return null;
        }
        catch (FormatException ex)
        {
            return $"'{value}' is not a Quartz cron expression ({example}){(WithReason ? $": {ex.Message}" : string.Empty)}";
        }
    }
}
