using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SelfHostSync.Http.Settings;

/// <summary>How an area's options join the container: bound from the <c>SelfHostSync</c> section, checked at start.</summary>
public static class SettingsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the section and validates it on start with the generated one-value
    /// rules (<typeparamref name="TFieldRules"/>) and the area's cross-field rules (<typeparamref name="TRules"/>).
    /// </summary>
    public static IServiceCollection AddAreaSettings<TOptions, TFieldRules, TRules>(this IServiceCollection services)
        where TOptions : class
        where TFieldRules : class, IValidateOptions<TOptions>
        where TRules : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(SettingsSection.Name).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TFieldRules>();
        services.AddSingleton<IValidateOptions<TOptions>, TRules>();
        return services;
    }
}
