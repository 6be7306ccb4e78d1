using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.State;

internal static class StateRegistration
{
    /// <summary>
    /// The state database in <paramref name="directory"/>, opened when first needed (a command that keeps no state
    /// never touches it), and its stores.
    /// </summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services, string directory)
    {
        services.TryAddSingleton(_ => StateDatabase.Open(directory));
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<IStateStore>(sp => sp.GetRequiredService<RunStore>());
        services.TryAddSingleton<DrillStore>();
        services.TryAddSingleton<IDrillStore>(sp => sp.GetRequiredService<DrillStore>());
        services.TryAddSingleton<ProtectionStore>();
        services.TryAddSingleton<IProtectionStore>(sp => sp.GetRequiredService<ProtectionStore>());
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<HookStore>();
        services.TryAddSingleton<SummaryStore>();
        services.TryAddSingleton<KeptReadStore>();
        services.TryAddSingleton<IAudienceMemory, AudienceStore>();
        return services;
    }
}
