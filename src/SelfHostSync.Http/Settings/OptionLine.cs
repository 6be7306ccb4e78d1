using System.ComponentModel.DataAnnotations;

namespace SelfHostSync.Http.Settings;

/// <summary>
/// A rule on one option whose failure is one line naming the key, as the user wrote it in the file
/// (<c>Proxmox[0].Url: 'http://pve' is not an https:// URL</c>). The options validator generator sets the display name to
/// the options type followed by the key; the type is not part of the file, so it is left off.
/// </summary>
public abstract class OptionLineAttribute : ValidationAttribute
{
    /// <summary>The key the context is about, as written in the file: <c>Proxmox[0].Url</c>.</summary>
    public static string KeyOf(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.DisplayName;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[(dot + 1)..];
    }

    /// <summary>What is wrong with <paramref name="value"/>, or null when nothing is; an unset value is the caller's to allow.</summary>
    protected abstract string? Problem(object value);

    protected sealed override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is null || Problem(value) is not { } problem
            ? ValidationResult.Success
            : new ValidationResult($"{KeyOf(validationContext)}: {problem}");
}

/// <summary>A text that must be given: <c>Key: required</c>, with a hint on what belongs there.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredTextAttribute(string? hint = null) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string text && !string.IsNullOrWhiteSpace(text)
            ? ValidationResult.Success
            : new ValidationResult($"{OptionLineAttribute.KeyOf(validationContext)}: required{(hint is null ? string.Empty : $" ({hint})")}");
}

/// <summary>An https:// URL (Proxmox and DSM APIs are only served over TLS).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpsUrlAttribute(string? hint = null) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        Uri.TryCreate(value as string, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps
            ? ValidationResult.Success
            : new ValidationResult(
                $"{OptionLineAttribute.KeyOf(validationContext)}: '{value}' is not an https:// URL{(hint is null ? string.Empty : $" ({hint})")}"
            );
}

/// <summary>
/// An http(s) URL that may carry a token (a Healthchecks UUID, an ntfy topic): the line shows at most eight asterisks
/// instead of the text.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretHttpUrlAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        Uri.TryCreate(value as string, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? null
            : $"'{new string('*', Math.Min(((string)value).Length, 8))}' is not an http(s) URL";
}

/// <summary>A certificate pin: a SHA-256 fingerprint, either case, colons optional.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FingerprintAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        string.IsNullOrWhiteSpace((string)value) || Fingerprints.Normalize((string)value) is not null
            ? null
            : "not a SHA-256 fingerprint (64 hex digits, colons optional)";
}

/// <summary>A positive duration the way .NET reads one (<c>d.hh:mm:ss</c>; a bare number is days).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        Durations.TryParse((string)value, out _) ? null : $"'{value}' is not a positive duration (d.hh:mm:ss)";
}

/// <summary>A request's attempt timeout: the retry pipeline (Polly) takes 10 ms to 24 h in all, so 10 ms to 1 h each.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequestTimeoutAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        !Durations.TryParse((string)value, out var span) ? $"'{value}' is not a positive duration (d.hh:mm:ss)"
        : span < Durations.MinRequestTimeout || span > Durations.MaxRequestTimeout ? $"'{value}' is not between 10 milliseconds and 1 hour"
        : null;
}

/// <summary>A whole number within bounds; <paramref name="text"/> replaces the default <c>is outside min–max</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class WithinAttribute(int minimum, int maximum, string? text = null) : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        (int)value >= minimum && (int)value <= maximum ? null : $"{value} {text ?? $"is outside {minimum}–{maximum}"}";
}

/// <summary>One of an enum's names, any case; <paramref name="names"/> is how the line lists them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OneOfAttribute(Type enumType, string names) : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        Enum.TryParse(enumType, (string)value, ignoreCase: true, out var parsed) && Enum.IsDefined(enumType, parsed!)
            ? null
            : $"'{value}' is not {names}";
}

/// <summary>A calendar date written as <c>yyyy-MM-dd</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DateAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) => Durations.TryParseDate((string)value, out _) ? null : $"'{value}' is not a date (yyyy-MM-dd)";
}
