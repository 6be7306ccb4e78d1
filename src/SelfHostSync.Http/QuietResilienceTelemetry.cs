using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace SelfHostSync.Http;

/// <summary>
/// Polly logs every retry and timeout on its own; our clients report a failed call once, in the gap or error it becomes
/// (which carries the last status), so the pipelines' log lines are silenced.
/// </summary>
public static class QuietResilienceTelemetry
{
    public static IServiceCollection AddQuietResilienceTelemetry(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<TelemetryOptions>, Quiet>());
        return services;
    }

    private sealed class Quiet : IPostConfigureOptions<TelemetryOptions>
    {
        public void PostConfigure(string? name, TelemetryOptions options) => options.LoggerFactory = NullLoggerFactory.Instance;
    }
}
