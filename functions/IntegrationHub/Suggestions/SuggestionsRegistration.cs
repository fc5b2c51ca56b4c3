using IntegrationHub.Communities;
using IntegrationHub.Composition;
using IntegrationHub.Portal;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

internal static class SuggestionsRegistration
{
    /// <summary>The residents' suggestion channel: intake with photos, the life of a suggestion, the 24-hour clock, its portal pages.</summary>
    public static IServiceCollection AddSuggestions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SuggestionOptions>(configuration, SuggestionOptions.Section);
        services.AddSingleton<IValidateOptions<PortalOptions>, CommunityAccountsValidator>();
        services.AddSingleton<SuggestionStorage>();
        services.AddSingleton<PhotoKeys>();
        services.AddSingleton<PhotoLinks>();
        services.AddSingleton<SuggestionStore>();
        services.AddSingleton<SuggestionFeed>();
        services.AddSingleton<SuggestionService>();
        services.AddSingleton<SuggestionsApi>();
        services.AddSingleton<SuggestionPortalApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapSuggestions(this IEndpointRouteBuilder api)
    {
        api.MapPost(HubRoutes.Suggestions, (HttpRequest r, SuggestionsApi s, CancellationToken ct) => s.SubmitAsync(r, ct));
        api.MapGet(HubRoutes.Suggestion, (HttpRequest r, string id, SuggestionsApi s, CancellationToken ct) => s.GetAsync(r, id, ct));
        api.MapPost(HubRoutes.SuggestionRating, (HttpRequest r, string id, SuggestionsApi s, CancellationToken ct) => s.RateAsync(r, id, ct));
        api.MapGet(HubRoutes.SuggestionPhoto, (HttpRequest r, string id, string photo, SuggestionsApi s, CancellationToken ct) => s.PhotoAsync(r, id, photo, ct));
        api.MapGet(HubRoutes.PortalSuggestions, (HttpRequest r, SuggestionPortalApi p, CancellationToken ct) => p.ListAsync(r, ct));
        api.MapGet(HubRoutes.PortalSuggestion, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.DetailAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalSuggestionStep, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.StepAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalSuggestionReveal, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.RevealAsync(r, id, ct));
        api.MapGet(HubRoutes.PortalSuggestionStats, (HttpRequest r, SuggestionPortalApi p, CancellationToken ct) => p.StatsAsync(r, ct));
        return api;
    }
}

/// <summary>Every community worker names a community of the registry, every street supervisor a street of it.</summary>
internal sealed class CommunityAccountsValidator(CommunityRegistry communities) : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var faults = new List<string>();
        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            if (account.Role == PortalRoles.CommunityWorker && account.Community is { Length: > 0 } community && communities.Find(community) is null)
            {
                faults.Add(Settings.Describe($"{PortalOptions.Section}:Accounts:{i}:Community", $"'{community}' is not a community of Catalog/communities.json."));
            }

            if (account.Role == PortalRoles.StreetSupervisor && account.Street is { Length: > 0 } street && !communities.OfStreet(street).Any())
            {
                faults.Add(Settings.Describe($"{PortalOptions.Section}:Accounts:{i}:Street", $"'{street}' is the street of no community in Catalog/communities.json."));
            }
        }

        return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
    }
}
