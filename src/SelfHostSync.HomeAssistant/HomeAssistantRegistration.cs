using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Mqtt;
using SelfHostSync.HomeAssistant.Settings;

namespace SelfHostSync.HomeAssistant;

/// <summary>How Home Assistant joins the daemon: an <see cref="IPassAudience"/> when the section is configured.</summary>
public static class HomeAssistantRegistration
{
    /// <summary>
    /// Registers the broker's <c>doctor</c> and the MQTT audience (resolved by the daemon only; it needs an
    /// <see cref="IAudienceMemory"/>, a <see cref="TimeProvider"/> and logging).
    /// </summary>
    public static IServiceCollection AddHomeAssistant(this IServiceCollection services, HomeAssistantSettings? settings)
    {
        if (settings is not null)
        {
            services.AddSingleton<IEndpointDoctor>(sp => new MqttDoctor(settings, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IPassAudience>(sp => new MqttAudience(
                settings,
                sp.GetRequiredService<IAudienceMemory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MqttAudience>>()
            ));
        }

        return services;
    }
}
