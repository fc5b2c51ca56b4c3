using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

internal static class SharedStateRegistration
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
    /// Paces the calls to <paramref name="department"/> hub-wide to <paramref name="callsPerSecond"/>, which, in the worst
    /// second at full scale (see SharesFit), must stay within the document's <paramref name="documentLimit"/>.
    /// </summary>
    internal static IServiceCollection AddDepartmentRate(this IServiceCollection services, string department, int documentLimit,
        Func<IServiceProvider, double> callsPerSecond)
    {
        services.AddSingleton(new DepartmentRate(department, documentLimit, callsPerSecond));
        return services;
    }

    // Checked at start. A bureau counts arrivals in any one second: an instance spacing its calls 1/share apart can put
    // ceil(share) of them into one second, and one more when scheduling delays one call onto the next; at full scale
    // every instance may do so at once, so N × (ceil(rate / N) + 1) must fit the limit (4 × (4 + 1) = 20 for 16/s on 4).
    private static double WorstSecond(double perSecond, int instances) => instances * (Math.Ceiling(perSecond / instances) + 1);

    private sealed class SharesFit(IServiceProvider services) : IValidateOptions<SharedStateOptions>
    {
        public ValidateOptionsResult Validate(string? name, SharedStateOptions options)
        {
            var failures = services.GetServices<DepartmentRate>()
                .Select(r => (Rate: r, PerSecond: r.CallsPerSecond(services)))
                .Where(r => WorstSecond(r.PerSecond, options.MaximumInstanceCount) > r.Rate.DocumentLimit)
                .Select(r => Settings.Describe($"{SharedStateOptions.Section}:{nameof(SharedStateOptions.MaximumInstanceCount)}",
                    $"{options.MaximumInstanceCount} instances pacing {r.Rate.Department} at {r.PerSecond} calls/s together can exceed its limit of "
                    + $"{r.Rate.DocumentLimit}/s ({WorstSecond(r.PerSecond, options.MaximumInstanceCount)} in one second at worst): lower {r.Rate.Department}'s CallsPerSecond or the instance count."))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
