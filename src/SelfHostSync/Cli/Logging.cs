using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace SelfHostSync.Cli;

/// <summary>Serilog to stderr (stdout stays clean for <c>--json</c>), with configured secrets redacted.</summary>
internal static class Logging
{
    public static Logger Create(IReadOnlyList<string> secrets, LogEventLevel minimum = LogEventLevel.Information, string? file = null)
    {
        // Under systemd stderr goes to the journal: a "<N>" prefix sets the priority, and journald adds the time.
        var journal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.With(new RedactingEnricher(secrets))
            .Enrich.With<SyslogPriorityEnricher>()
            .WriteTo.Console(
                outputTemplate: journal ? "<{SyslogPriority}>{Message:lj}{NewLine}" : "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture
            );
        if (file is not null)
        {
            configuration = configuration.WriteTo.File(
                file,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}",
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture
            );
        }

        return configuration.CreateLogger();
    }

    /// <summary>sd-daemon priorities: err 3, warning 4, info 6, debug 7 (crit 2 for fatal).</summary>
    private sealed class SyslogPriorityEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(
                propertyFactory.CreateProperty(
                    "SyslogPriority",
                    logEvent.Level switch
                    {
                        LogEventLevel.Fatal => 2,
                        LogEventLevel.Error => 3,
                        LogEventLevel.Warning => 4,
                        LogEventLevel.Information => 6,
                        _ => 7,
                    }
                )
            );
    }

    /// <summary>Replaces any configured secret inside string properties with ***.</summary>
    private sealed class RedactingEnricher(IReadOnlyList<string> secrets) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            foreach (var (name, value) in logEvent.Properties.ToList())
            {
                if (value is ScalarValue { Value: string s })
                {
                    var clean = Output.Redaction.Redact(s, secrets);
                    if (!ReferenceEquals(clean, s) && clean != s)
                    {
                        logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(name, clean));
                    }
                }
            }
        }
    }
}
