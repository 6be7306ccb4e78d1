using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SelfHostSync.Configuration;
using SelfHostSync.Control;
using SelfHostSync.Core.Sync;
using SelfHostSync.Daemon.Settings;
using SelfHostSync.Drills;
using SelfHostSync.HomeAssistant;
using SelfHostSync.Notifications;
using SelfHostSync.Notifications.Settings;
using SelfHostSync.Passes;
using SelfHostSync.Proxmox;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.State;
using SelfHostSync.Synology;
using Serilog;

namespace SelfHostSync.Composition;

/// <summary>
/// The composition root: every command and the daemon get their services from one registration. Each area adds
/// itself (<c>AddProxmox</c>, <c>AddSynology</c>, <c>AddStateStore</c>, …); singletons are made when first asked
/// for, so a command that only reads the state store opens no connection.
/// </summary>
internal static class SelfHostSyncServices
{
    /// <summary>A provider for one command; dispose it asynchronously (DSM sessions log out).</summary>
    public static ServiceProvider Build(AppConfig config, ILogger log, TimeProvider time, PassOptions? passes = null) =>
        new ServiceCollection()
            .AddSelfHostSync(config, log, time, passes)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    public static IServiceCollection AddSelfHostSync(
        this IServiceCollection services,
        AppConfig config,
        ILogger log,
        TimeProvider time,
        PassOptions? passes = null
    )
    {
        services.TryAddSingleton(config);
        services.TryAddSingleton(time);
        services.TryAddSingleton(log);
        return services
            .AddStateStore(config.StateDirectory)
            .AddPasses(passes ?? new PassOptions())
            .AddProxmox(
                new ProxmoxTopology(config.Clusters, config.BackupServers),
                new ProxmoxDoctorOptions(config.TagColorMap || config.TagRegister, config.Sync.Vocabulary.Names)
            )
            .AddRestoreDrills(config.Drills)
            .AddSynology(config.Synology)
            .AddHomeAssistant(config.HomeAssistant)
            .AddNotifications(config.Daemon.Notifications)
            .AddControlClient(config.Daemon);
    }

    /// <summary>The client <c>resync</c> asks the running daemon with.</summary>
    private static IServiceCollection AddControlClient(this IServiceCollection services, DaemonSettings daemon)
    {
        services
            .AddHttpClient(ControlAuth.ClientName, c =>
            {
                c.BaseAddress = ControlClient.BaseAddress(daemon.ControlUrls[0]);
                c.Timeout = TimeSpan.FromSeconds(30);
                if (daemon.ControlToken is { } token)
                {
                    c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }
            })
            .RemoveAllLoggers();
        return services;
    }

    private static IServiceCollection AddPasses(this IServiceCollection services, PassOptions options)
    {
        // What earlier processes kept of configuration reads (decision 012); `sync --reread` starts without.
        services.TryAddSingleton(sp => new ReadMemory(
            options.RecallReads ? sp.GetRequiredService<KeptReadStore>().LoadKeptReadsAsync(CancellationToken.None).GetAwaiter().GetResult() : null
        ));
        services.TryAddSingleton<PassRunner>();
        // A command that can answer from the last run builds no gateway and recalls no reads.
        services.TryAddSingleton(sp => new Lazy<PassRunner>(sp.GetRequiredService<PassRunner>));
        services.TryAddSingleton<ReportSource>();
        return services;
    }

    private static IServiceCollection AddRestoreDrills(this IServiceCollection services, DrillConfig? drills)
    {
        if (drills is not null)
        {
            services.AddProxmoxDrills(drills.Cluster, drills.Settings);
            services.TryAddSingleton(drills);
            services.TryAddSingleton<DrillService>();
        }

        return services;
    }

    private static IServiceCollection AddNotifications(this IServiceCollection services, NotificationSettings settings)
    {
        services.AddHttpClient(Notifier.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(20)).RemoveAllLoggers();
        services.TryAddSingleton(settings);
        services.TryAddSingleton<Notifier>();
        services.TryAddSingleton<WeeklySummary>();
        return services;
    }
}

/// <summary>How this process passes.</summary>
/// <param name="RecallReads">Whether configuration reads kept by earlier passes count (decision 012); <c>sync --reread</c> says no.</param>
internal sealed record PassOptions(bool RecallReads = true);
