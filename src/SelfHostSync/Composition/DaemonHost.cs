using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SelfHostSync.Configuration;
using SelfHostSync.Control;
using SelfHostSync.Daemon;
using SelfHostSync.Daemon.Settings;
using SelfHostSync.Http;
using SelfHostSync.Scheduling;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Composition;

/// <summary>
/// The daemon: Generic Host with systemd integration, the sync coordinator, the Quartz schedule, and the control
/// API (Kestrel) with dashboard and metrics. Each area is one <c>Add…</c>/<c>Map…</c> call.
/// </summary>
internal static class DaemonHost
{
    public static WebApplication Build(AppConfig config, TimeProvider time, ILogger log, IReadOnlyList<Uri>? urls = null)
    {
        // An empty builder: the host reads no configuration of its own (no appsettings.json next to the binary, no
        // file watcher on the install directory, no Kestrel section from the environment); ours is bound by ConfigLoader.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Services.AddSystemd();
        builder.Services.AddSerilog(log, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopBudget.HostShutdown);
        builder.WebHost.UseUrls([.. (urls ?? config.Daemon.ControlUrls).Select(u => u.ToString().TrimEnd('/'))]);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

        builder.Services.AddSelfHostSync(config, log, time).AddDaemon(config).AddScheduling(config, time).AddControl(config.Daemon);

        var app = builder.Build();
        app.UseHostFiltering();
        app.UseControlAuth(app.Services.GetRequiredService<ControlAuth>());
        var coordinator = app.Services.GetRequiredService<SyncCoordinator>();
        var idle = app.Services.GetRequiredService<IdleMemory>();
        app.Use(
            async (context, next) =>
            {
                await next(context);
                idle.RequestFinished();
            }
        );
        app.MapControlApi(
            coordinator,
            app.Services.GetRequiredService<DaemonHealth>(),
            config.ClusterNames.ToHashSet(StringComparer.Ordinal),
            app.Services.GetRequiredService<RunStore>(),
            app.Services.GetRequiredService<DrillStore>(),
            app.Services.GetRequiredService<RequestMeter>(),
            app.Services.GetRequiredService<ControlAuth>(),
            app.Services.GetRequiredService<DaemonDrills>(),
            app.Services.GetRequiredService<HookStore>(),
            time
        );
        app.MapHookApi(config.Daemon.HookSecret, coordinator, app.Services.GetRequiredService<HookStore>(), time, log);
        return app;
    }

    /// <summary>The daemon's own services: health, the pass coordinator, drills in the daemon.</summary>
    private static IServiceCollection AddDaemon(this IServiceCollection services, AppConfig config)
    {
        services.AddSingleton(config.Daemon);
        services.AddSingleton(sp => new DaemonHealth(
            config.Daemon.Schedule,
            config.Sync.SourceTimeout,
            sp.GetRequiredService<TimeProvider>().LocalTimeZone
        )
        {
            StartedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        services.AddSingleton<IdleMemory>();
        services.AddSingleton<SyncCoordinator>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncCoordinator>());
        services.AddSingleton<DaemonDrills>();
        services.AddHostedService(sp => sp.GetRequiredService<DaemonDrills>());
        services.AddHostedService<PassAudiences>();
        return services;
    }

    private static IServiceCollection AddScheduling(this IServiceCollection services, AppConfig config, TimeProvider time)
    {
        services.AddQuartz(q =>
        {
            q.AddJob<ScheduledSyncJob>(j => j.WithIdentity(ScheduledSyncJob.Key));
            q.AddTrigger(t => t.ForJob(ScheduledSyncJob.Key).WithIdentity("schedule", "selfhostsync").On(config.Daemon.Schedule, time));
            if (config.Daemon.Notifications.SummarySchedule is { } summary)
            {
                q.AddJob<ScheduledSummaryJob>(j => j.WithIdentity(ScheduledSummaryJob.Key));
                q.AddTrigger(t => t.ForJob(ScheduledSummaryJob.Key).WithIdentity("summary", "selfhostsync").On(summary, time));
            }

            if (config.Drills is { Enabled: true } drills)
            {
                q.AddJob<ScheduledDrillJob>(j => j.WithIdentity(ScheduledDrillJob.Key));
                q.AddTrigger(t => t.ForJob(ScheduledDrillJob.Key).WithIdentity("drills", "selfhostsync").On(drills.Schedule, time));
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        return services;
    }

    private static IServiceCollection AddControl(this IServiceCollection services, DaemonSettings settings)
    {
        services.AddSingleton(sp => new ControlAuth(settings.ControlToken, sp.GetRequiredService<TimeProvider>()));

        // Without a token the API trusts loopback; refuse other Host names so a web page cannot reach it by
        // rebinding its own DNS name to 127.0.0.1. With a token, the token is the check.
        services.AddHostFiltering(o =>
        {
            o.AllowedHosts = settings.ControlToken is null ? ["localhost", "127.0.0.1", "[::1]", .. settings.ControlUrls.Select(u => u.Host)] : ["*"];
            o.AllowEmptyHosts = false;
        });
        return services;
    }
}
