using IntegrationHub.Composition;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IntegrationHub.Handoff;

internal static class HandoffRegistration
{
    /// <summary>
    /// The hand-off to the departments: the dispatcher behind the queue, the stranded sweep, the follow-ups, circuit state.
    /// Their triggers are the hosts' own (the Functions app's queue and timer functions; the local host's workers).
    /// </summary>
    public static IServiceCollection AddHandoff(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HandoffOptions>(configuration, HandoffOptions.Section);
        services.AddSharedDepartmentState(configuration);
        services.AddSingleton<CircuitStates>();
        services.TryAddSingleton<DepartmentHolds>();
        services.AddSingleton<PayloadMasker>();
        // Transient: the department adapters are typed HttpClients, resolved per message so their handlers rotate.
        services.AddTransient<HandoffDispatcher>();
        services.AddSingleton<StrandedSweep>();
        services.AddTransient<StatusFollowUps>();
        return services;
    }
}
