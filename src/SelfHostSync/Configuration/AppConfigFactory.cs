using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Daemon.Settings;
using SelfHostSync.Drills.Settings;
using SelfHostSync.HomeAssistant.Settings;
using SelfHostSync.Http.Settings;
using SelfHostSync.Notifications.Settings;
using SelfHostSync.Passes.Settings;
using SelfHostSync.Proxmox.Settings;
using SelfHostSync.Synology.Settings;

namespace SelfHostSync.Configuration;

/// <summary>
/// Each area's options, bound from the <c>SelfHostSync</c> section and checked at start (<c>ValidateOnStart</c>): every
/// area's rules run, every failure is one line, and only a file without any becomes an <see cref="AppConfig"/>.
/// </summary>
internal static class AppConfigFactory
{
    /// <summary>The option types that together are the <c>SelfHostSync</c> section (the shape check and the schema read them).</summary>
    public static readonly Type[] Areas =
    [
        typeof(ProxmoxSourcesOptions),
        typeof(SynologySourcesOptions),
        typeof(SyncOptions),
        typeof(DaemonOptions),
        typeof(NotificationAreaOptions),
        typeof(DrillAreaOptions),
        typeof(HomeAssistantAreaOptions),
    ];

    public static IServiceCollection AddSettings(this IServiceCollection services, IConfiguration configuration, SecretFiles secrets)
    {
        services.AddSingleton(configuration);
        services.AddSingleton(secrets);
        services.AddProxmoxSettings();
        services.AddSynologySettings();
        services.AddPassSettings();
        services.AddDaemonSettings();
        services.AddNotificationSettings();
        services.AddDrillSettings();
        HomeAssistantSettings.AddHomeAssistantSettings(services);
        return services;
    }

    /// <summary>The configuration, or the lines of every problem (each naming its key) when there is any.</summary>
    public static AppConfig Create(string path, IConfiguration configuration)
    {
        var secrets = new SecretFiles(
            Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } systemd
                ? systemd
                : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "credentials")
        );
        using var provider = new ServiceCollection().AddSettings(configuration, secrets).BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new ConfigException([.. ex.Failures]);
        }
        catch (AggregateException ex)
        {
            throw new ConfigException([.. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)]);
        }

        return Build(path, provider, secrets);
    }

    private static AppConfig Build(string path, IServiceProvider provider, SecretFiles secrets)
    {
        T Options<T>()
            where T : class => provider.GetRequiredService<IOptions<T>>().Value;
        var known = new List<string>();
        string Redact(string text) => Output.Redaction.Redact(text, known);

        var proxmox = Options<ProxmoxSourcesOptions>();
        var clusters = ProxmoxSources.Clusters(proxmox, secrets, known).ToList();
        var servers = ProxmoxSources.Servers(proxmox, secrets, known);
        var nas = SynologySources.Endpoints(Options<SynologySourcesOptions>(), secrets, known);
        var sync = Options<SyncOptions>();
        var alreadyChecked = new OptionProblems(); // the rules ran at start; building again says nothing new
        var notifications = NotificationSettings.From(Options<NotificationAreaOptions>().Notifications, secrets, known);
        var daemon = DaemonSettings.From(Options<DaemonOptions>(), notifications, secrets, known);
        var drills = DrillConfig.From(Options<DrillAreaOptions>().RestoreDrills, clusters, secrets, known, Redact);
        if (drills is not null)
        {
            var i = clusters.FindIndex(c => c.Name == drills.Settings.Cluster);
            clusters[i] = clusters[i] with { ScratchRange = drills.Settings.Range };
        }

        return new AppConfig
        {
            SourcePath = path,
            StateDirectory = sync.StateDirectory ?? Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? "/var/lib/selfhostsync",
            DryRun = sync.DryRun,
            Schedule = daemon.Schedule,
            Daemon = daemon,
            Clusters = clusters,
            BackupServers = servers,
            Synology = nas,
            Secrets = known,
            TagColorMap = sync.Tags.ColorMap,
            TagRegister = sync.Tags.Register,
            Drills = drills,
            HomeAssistant = HomeAssistantSettings.From(Options<HomeAssistantAreaOptions>(), secrets, known),
            Sync = new SyncSettings
            {
                Intent = PassSettings.Intent(sync.Intent, alreadyChecked),
                Clusters = clusters.ToDictionary(c => c.Name, c => c.HardwareOwner, StringComparer.Ordinal),
                Policies = PassSettings.Policies(sync.Policies, alreadyChecked),
                Vocabulary = TagVocabulary.Create(sync.Tags.Names, out _),
                WriteTags = sync.Tags.Write,
                WriteParallelism = Math.Max(4, 4 * clusters.Count),
                SourceTimeout = Durations.Or(sync.SourceTimeout, TimeSpan.FromMinutes(10)),
                NoteExcerpts = sync.Notes.Excerpt,
                Redact = Redact,
                Inventory = PassSettings.Inventory(sync.Inventory),
            },
        };
    }
}
