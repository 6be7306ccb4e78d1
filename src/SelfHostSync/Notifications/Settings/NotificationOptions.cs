using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Notifications.Settings;

// Where warnings go, as written in the SelfHostSync section (NotificationRules checks it, NotificationSettings builds from it).
#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

internal sealed class NotificationAreaOptions
{
    [ValidateObjectMembers]
    public NotificationsOptions Notifications { get; set; } = new();
}

internal sealed class NotificationsOptions
{
    [ValidateEnumeratedItems]
    public List<NtfyOptions> Ntfy { get; set; } = [];

    [ValidateEnumeratedItems]
    public List<GotifyOptions> Gotify { get; set; } = [];

    [ValidateEnumeratedItems]
    public List<WebhookOptions> Webhooks { get; set; } = [];

    [ValidateObjectMembers]
    public SmtpOptions? Smtp { get; set; }

    [SecretHttpUrl]
    public string? HeartbeatUrl { get; set; }

    /// <summary>Re-send open failures when nothing was sent for this long (d.hh:mm:ss); null: never.</summary>
    [Duration]
    public string? ReminderInterval { get; set; }

    /// <summary>The weekly summary to every channel: on by default, Mondays 08:00 (the host's time zone).</summary>
    [ValidateObjectMembers]
    public SummaryOptions Summary { get; set; } = new();
}

internal sealed class NtfyOptions
{
    [RequiredSecretHttpUrl]
    public string? Url { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    [Within(1, 5)]
    public int? Priority { get; set; }
}

internal sealed class GotifyOptions
{
    [RequiredSecretHttpUrl]
    public string? Url { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    [Within(1, 10)]
    public int? Priority { get; set; }
}

internal sealed class WebhookOptions
{
    [RequiredSecretHttpUrl]
    public string? Url { get; set; }

    public Dictionary<string, string> Headers { get; set; } = [];
}

internal sealed class SmtpOptions
{
    [RequiredText]
    public string? Host { get; set; }

    [Within(1, 65535, "is not a port")]
    public int? Port { get; set; }

    /// <summary>StartTls (default), SslOnConnect, Auto or None.</summary>
    [OneOf(typeof(SmtpSecurity), "StartTls, SslOnConnect, Auto or None")]
    public string? Security { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    [MailAddress]
    public string? From { get; set; }

    public List<string> To { get; set; } = [];
}

/// <summary>A URL that must be given; shown masked, as it may carry a token.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RequiredSecretHttpUrlAttribute : System.ComponentModel.DataAnnotations.ValidationAttribute
{
    private static readonly SecretHttpUrlAttribute Url = new();

    protected override System.ComponentModel.DataAnnotations.ValidationResult? IsValid(
        object? value,
        System.ComponentModel.DataAnnotations.ValidationContext validationContext
    ) =>
        value is null
            ? new($"{OptionLineAttribute.KeyOf(validationContext)}: '' is not an http(s) URL")
            : Url.GetValidationResult(value, validationContext);
}

/// <summary>A mail address (at least a local part and a domain around an @).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class MailAddressAttribute : System.ComponentModel.DataAnnotations.ValidationAttribute
{
    protected override System.ComponentModel.DataAnnotations.ValidationResult? IsValid(
        object? value,
        System.ComponentModel.DataAnnotations.ValidationContext validationContext
    ) =>
        value is string text && !string.IsNullOrWhiteSpace(text) && text.Contains('@', StringComparison.Ordinal)
            ? System.ComponentModel.DataAnnotations.ValidationResult.Success
            : new($"{OptionLineAttribute.KeyOf(validationContext)}: '{value}' is not an address");
}

internal sealed class SummaryOptions
{
    public bool Enabled { get; set; } = true;

    [Scheduling.QuartzCron("e.g. \"0 0 8 ? * MON\" for Mondays 08:00")]
    public string? Schedule { get; set; }
}
