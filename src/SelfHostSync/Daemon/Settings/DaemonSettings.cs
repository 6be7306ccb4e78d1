using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;
using SelfHostSync.Notifications.Settings;

namespace SelfHostSync.Daemon.Settings;

/// <summary>The validated settings of the daemon (<c>run</c>).</summary>
internal sealed record DaemonSettings
{
    public static DaemonSettings Default { get; } = new();

    /// <summary>Quartz cron (with seconds): every 15 minutes by default.</summary>
    public string Schedule { get; init; } = "0 */15 * * * ?";

    public IReadOnlyList<Uri> ControlUrls { get; init; } = [new Uri("http://127.0.0.1:8785")];

    /// <summary>Bearer token for the control API; required when it listens beyond loopback.</summary>
    public string? ControlToken { get; init; }

    /// <summary>The secret webhook calls must carry; null: <c>/api/hooks/proxmox</c> refuses every call.</summary>
    public string? HookSecret { get; init; }

    public NotificationSettings Notifications { get; init; } = NotificationSettings.None;

    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(180);

    public Serilog.Events.LogEventLevel LogLevel { get; init; } = Serilog.Events.LogEventLevel.Information;

    public string? LogFile { get; init; }

    /// <summary>The settings from options every rule has passed; the token joins <paramref name="known"/> secrets.</summary>
    public static DaemonSettings From(DaemonOptions o, NotificationSettings notifications, SecretFiles secrets, ICollection<string> known)
    {
        var token = Token(o.ControlApi);
        if (token is not null)
        {
            known.Add(token);
        }

        var hook = ReadHookSecret(o.ControlApi, secrets).Value;
        if (hook is not null)
        {
            known.Add(hook);
        }

        return new DaemonSettings
        {
            Schedule = o.Schedule ?? Default.Schedule,
            ControlUrls = [.. Urls(o.ControlApi).Select(u => u.Url!)],
            ControlToken = token,
            HookSecret = hook,
            Notifications = notifications,
            Retention = Durations.Or(o.Retention, Default.Retention),
            LogLevel = o.Logging.Level is null ? Default.LogLevel : Enum.Parse<Serilog.Events.LogEventLevel>(o.Logging.Level, ignoreCase: true),
            LogFile = string.IsNullOrWhiteSpace(o.Logging.File) ? null : o.Logging.File,
        };
    }

    /// <summary>Each listen address as written and as a URL (null when it is not an http:// URL).</summary>
    internal static IEnumerable<(string Text, Uri? Url)> Urls(ControlApiOptions o) =>
        (o.Urls ?? "http://127.0.0.1:8785")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text =>
                (
                    text,
                    Uri.TryCreate(
                        text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                        UriKind.Absolute,
                        out var url
                    )
                    && url.Scheme == Uri.UriSchemeHttp
                        ? url
                        : null
                )
            );

    internal static SecretRead ReadHookSecret(ControlApiOptions o, SecretFiles secrets) =>
        secrets.Optional("ControlApi.HookSecret", o.HookSecret, o.HookSecretFile);

    internal static string? Token(ControlApiOptions o) => string.IsNullOrWhiteSpace(o.Token) ? null : o.Token.Trim();

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>The rules on one value each (the attributes on <see cref="DaemonOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class DaemonFieldRules : IValidateOptions<DaemonOptions>;

/// <summary>The control API: http:// listen addresses, and a token of some length whenever one listens beyond loopback.</summary>
internal sealed class DaemonRules(SecretFiles secrets) : IValidateOptions<DaemonOptions>
{
    public ValidateOptionsResult Validate(string? name, DaemonOptions options)
    {
        var problems = new OptionProblems();
        var urls = DaemonSettings.Urls(options.ControlApi).ToList();
        foreach (var (text, _) in urls.Where(u => u.Url is null))
        {
            problems.Add($"ControlApi.Urls: '{text}' is not an http:// URL (put a TLS-terminating proxy in front for https)");
        }

        if (DaemonSettings.Token(options.ControlApi) is { } token)
        {
            if (token.Length < 16)
            {
                problems.Add("ControlApi.Token: too short (use at least 16 random characters, e.g. `openssl rand -hex 24`)");
            }
        }
        else if (urls.FirstOrDefault(u => u.Url is not null && !DaemonSettings.IsLoopback(u.Url)).Url is { } open)
        {
            problems.Add($"ControlApi.Token: required because ControlApi.Urls listens on {open.Host}, beyond loopback");
        }

        var hook = DaemonSettings.ReadHookSecret(options.ControlApi, secrets);
        problems.Add(hook);
        if (hook.Value is { Length: < 16 })
        {
            problems.Add("ControlApi.HookSecret: too short (use at least 16 random characters, e.g. `openssl rand -hex 24`)");
        }

        return problems.Result();
    }
}

/// <summary>How the daemon options join the settings container.</summary>
internal static class DaemonSettingsRegistration
{
    public static IServiceCollection AddDaemonSettings(this IServiceCollection services)
    {
        services.AddOptions<DaemonOptions>().BindConfiguration(SettingsSection.Name).WithAreaRules<DaemonOptions, DaemonFieldRules, DaemonRules>();
        return services;
    }
}
