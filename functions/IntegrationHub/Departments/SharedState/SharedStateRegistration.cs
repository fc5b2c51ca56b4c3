using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

public static class SharedStateRegistration
{
    /// <summary>What the instances share about the departments (token, call-rate shares, query spacing); safe to call twice.</summary>
    public static IServiceCollection AddSharedDepartmentState(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(DepartmentStateTable)))
        {
            return services;
        }

        services.AddValidatedOptions<SharedStateOptions>(configuration, SharedStateOptions.Section);
        services.AddSingleton<IValidateOptions<SharedStateOptions>>(sp => new SharesFit(sp));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DepartmentStateTable>();
        services.AddSingleton<SharedTokenStore>();
        services.AddSingleton<SharedQuerySpacing>();
        services.AddSingleton<DepartmentRateShares>();
        return services;
    }

    /// <summary>
    /// Paces the calls to <paramref name="department"/> hub-wide to <paramref name="callsPerSecond"/>, which, with one
    /// call of jitter per instance, must stay within the document's <paramref name="documentLimit"/> per second.
    /// </summary>
    internal static IServiceCollection AddDepartmentRate(this IServiceCollection services, string department, int documentLimit,
        Func<IServiceProvider, double> callsPerSecond)
    {
        services.AddSingleton(new DepartmentRate(department, documentLimit, callsPerSecond));
        return services;
    }

    // Checked at start: at full scale every instance may put one call more than its share into a bureau's second.
    private sealed class SharesFit(IServiceProvider services) : IValidateOptions<SharedStateOptions>
    {
        public ValidateOptionsResult Validate(string? name, SharedStateOptions options)
        {
            var failures = services.GetServices<DepartmentRate>()
                .Select(r => (Rate: r, PerSecond: r.CallsPerSecond(services)))
                .Where(r => r.PerSecond + options.MaximumInstanceCount > r.Rate.DocumentLimit)
                .Select(r => Settings.Describe($"{SharedStateOptions.Section}:{nameof(SharedStateOptions.MaximumInstanceCount)}",
                    $"{options.MaximumInstanceCount} instances pacing {r.Rate.Department} at {r.PerSecond} calls/s together can exceed its limit of "
                    + $"{r.Rate.DocumentLimit}/s by one call each: lower {r.Rate.Department}'s CallsPerSecond or the instance count."))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
