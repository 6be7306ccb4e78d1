using Quartz;

namespace SelfHostSync.Scheduling;

/// <summary>
/// Schedules read in the time zone of the injected <see cref="TimeProvider"/> (the host's, in production), so the
/// Quartz triggers and the code that asks when a trigger last fired (the weekly summary's period) agree, and tests can
/// pin a zone with daylight saving time.
/// </summary>
internal static class Cron
{
    public static CronExpression In(string schedule, TimeProvider time) => In(schedule, time.LocalTimeZone);

    public static CronExpression In(string schedule, TimeZoneInfo zone) => new(schedule, zone);

    /// <summary>A Quartz trigger on <paramref name="schedule"/> in the provider's time zone.</summary>
    public static ITriggerConfigurator On(this ITriggerConfigurator trigger, string schedule, TimeProvider time) =>
        trigger.WithCronSchedule(schedule, c => c.InTimeZone(time.LocalTimeZone));
}
