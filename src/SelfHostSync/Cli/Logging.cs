using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace SelfHostSync.Cli;

/// <summary>Serilog to stderr (stdout stays clean for <c>--json</c>), with configured secrets redacted.</summary>
internal static class Logging
{
    public static Logger Create(IReadOnlyList<string> secrets, LogEventLevel minimum = LogEventLevel.Information) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .Enrich.With(new RedactingEnricher(secrets))
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();

    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        foreach (var s in secrets)
        {
            if (s.Length >= 4)
            {
                text = text.Replace(s, "***", StringComparison.Ordinal);
            }
        }

        return text;
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
                    var clean = Redact(s, secrets);
                    if (!ReferenceEquals(clean, s) && clean != s)
                    {
                        logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(name, clean));
                    }
                }
            }
        }
    }
}
