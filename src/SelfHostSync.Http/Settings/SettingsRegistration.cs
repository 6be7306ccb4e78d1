using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SelfHostSync.Http.Settings;

/// <summary>How an area's options join the container once bound: checked at start by its field and cross-field rules.</summary>
public static class SettingsRegistration
{
    /// <summary>
    /// Validates the bound options on start with the generated one-value rules (<typeparamref name="TFieldRules"/>) and
    /// the area's cross-field rules (<typeparamref name="TRules"/>). The binding itself stays at the caller, on the
    /// concrete type: a trimmed publish generates the binding code from that call, which a generic helper would hide.
    /// </summary>
    public static OptionsBuilder<TOptions> WithAreaRules<TOptions, TFieldRules, TRules>(this OptionsBuilder<TOptions> options)
        where TOptions : class
        where TFieldRules : class, IValidateOptions<TOptions>
        where TRules : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services.AddSingleton<IValidateOptions<TOptions>, TFieldRules>();
        options.Services.AddSingleton<IValidateOptions<TOptions>, TRules>();
        return options.ValidateOnStart();
    }
}
