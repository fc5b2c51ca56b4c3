using System.Text.Encodings.Web;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Handoff;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SharedState;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Events;
using IntegrationHub.Health;
using IntegrationHub.Http;
using IntegrationHub.Materials;
using IntegrationHub.Platforms;
using IntegrationHub.Portal;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using IntegrationHub.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Composition;

/// <summary>What both hosts register and map: one line per capability.</summary>
public static class HubRegistration
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HubJsonContext.Default);
            // Chinese text stays readable in responses; the portal never puts API text into HTML unescaped.
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddHubStorage(configuration);
        services.AddCatalog();
        services.AddApplications(configuration);
        services.AddPrivacy(configuration);
        services.AddHandoff(configuration);
        services.AddPlatformEvents(configuration);
        services.AddPublicSecurity(configuration);
        services.AddSocialSecurity(configuration);
        services.AddHousing(configuration);
        services.AddPortal(configuration);
        services.AddHubMetrics(configuration);
        services.AddHubHealthChecks();
        services.AddCommunities();
        services.AddSuggestions(configuration);
        services.AddMaterials();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<OpenApiDocument>();
        // The reference builds Scalar's endpoints over its own route table, in the Functions host too.
        services.AddRouting();
        services.AddSingleton<ApiReference>();
        return services;
    }

    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton(_ => ServiceCatalog.LoadEmbedded());
        services.AddSingleton<FormSchemas>();
        services.AddSingleton<FormFieldTitles>();
        services.AddSingleton<CatalogApi>();
        return services;
    }

    public static IServiceCollection AddApplications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PlatformOptions>(configuration, PlatformOptions.Section);
        services.AddValidatedOptions<IdHashOptions>(configuration, IdHashOptions.Section);
        services.AddSingleton<PlatformAuth>();
        services.AddSingleton<IdHasher>();
        services.AddSingleton<ApplicationValidator>();
        services.AddSingleton<ApplicationsApi>();
        services.AddSingleton<ApplicationMaterials>();
        services.AddTransient<CaseRequestsApi>();
        // Transient, like everything that holds department adapters (typed HttpClients whose handlers rotate).
        services.AddTransient<StatusPath>();
        services.AddTransient<IDepartmentStatusSink>(sp => sp.GetRequiredService<StatusPath>());
        return services;
    }

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

    public static IServiceCollection AddPlatformEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStatusTopic(configuration);
        services.AddSingleton<EventsApi>();
        services.AddFeedPumps(configuration);
        return services;
    }

    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PortalOptions>(configuration, PortalOptions.Section);
        services.AddSingleton<PortalAuth>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInLockout>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PortalQueries>();
        services.AddSingleton<PortalPage>();
        services.AddTransient<PortalApi>();
        return services;
    }

    /// <summary>The queue workers and the sweep, for hosts without queue and timer triggers (the local host).</summary>
    public static IServiceCollection AddHubWorkers(this IServiceCollection services)
    {
        // Not AddHostedService: it de-duplicates by implementation type, and both workers are QueueWorkers.
        services.AddSingleton<IHostedService>(sp => Worker(sp, "dispatch", sp.GetRequiredService<HandoffQueue>().Queue, sp.GetRequiredService<HandoffQueue>().PoisonQueue,
            (s, m, ct) => s.GetRequiredService<HandoffDispatcher>().HandleAsync(m, ct)));
        services.AddSingleton<IHostedService>(sp => Worker(sp, "poison", sp.GetRequiredService<HandoffQueue>().PoisonQueue, null,
            (s, m, ct) => s.GetRequiredService<HandoffDispatcher>().HandlePoisonAsync(m, ct)));
        services.AddHostedService<PeriodicSweep>();
        services.AddSuggestionSweep();
        return services;
    }

    private static QueueWorker Worker(IServiceProvider sp, string name, Func<Task<Azure.Storage.Queues.QueueClient>> queue,
        Func<Task<Azure.Storage.Queues.QueueClient>>? poison, Func<IServiceProvider, string, CancellationToken, Task> handle) =>
        new(name, queue, poison, handle, sp, sp.GetRequiredService<IOptions<HandoffOptions>>(), sp.GetRequiredService<ILogger<QueueWorker>>());

    /// <summary>The local host's route table; the Functions app declares the same routes as triggers.</summary>
    public static RouteGroupBuilder MapHubApi(this IEndpointRouteBuilder endpoints)
    {
        // Load and check the catalog now, so bad data fails at start, not on the first request.
        endpoints.ServiceProvider.GetRequiredService<FormSchemas>();
        endpoints.ServiceProvider.GetRequiredService<CommunityRegistry>();

        var api = endpoints.MapGroup("/" + HubRoutes.Prefix);
        api.MapGet(HubRoutes.ServiceItems, (HttpRequest r, CatalogApi c) => c.ListItems(r));
        api.MapGet(HubRoutes.ServiceItem, (HttpRequest r, string code, CatalogApi c) => c.GetItem(r, code));
        api.MapGet(HubRoutes.ServiceItemGuide, (HttpRequest r, string code, CatalogApi c) => c.GetGuide(r, code));
        api.MapPost(HubRoutes.Applications, (HttpRequest r, ApplicationsApi a, CancellationToken ct) => a.SubmitAsync(r, ct));
        api.MapGet(HubRoutes.Application, (HttpRequest r, string id, ApplicationsApi a, CancellationToken ct) => a.GetAsync(r, id, ct));
        api.MapPost(HubRoutes.Materials, (HttpRequest r, MaterialsApi m, CancellationToken ct) => m.UploadAsync(r, ct));
        api.MapPost(HubRoutes.ApplicationSupplements, (HttpRequest r, string id, CaseRequestsApi a, CancellationToken ct) => a.SupplementAsync(r, id, ct));
        api.MapPost(HubRoutes.ApplicationWithdrawal, (HttpRequest r, string id, CaseRequestsApi a, CancellationToken ct) => a.WithdrawAsync(r, id, ct));
        api.MapGet(HubRoutes.Events, (HttpRequest r, EventsApi e, CancellationToken ct) => e.ListAsync(r, ct));
        api.MapPost(HubRoutes.PublicSecurityNotifications, (HttpRequest r, PublicSecurityNotifications n, CancellationToken ct) => n.ReceiveAsync(r, ct));
        api.MapPost(HubRoutes.HousingWebhooks, (HttpRequest r, HousingWebhooks w, CancellationToken ct) => w.ReceiveAsync(r, ct));
        api.MapPost(HubRoutes.PortalSession, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SignInAsync(r, ct));
        api.MapDelete(HubRoutes.PortalSession, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SignOutAsync(r, ct));
        api.MapGet(HubRoutes.PortalMe, (HttpRequest r, PortalApi p, CancellationToken ct) => p.MeAsync(r, ct));
        api.MapGet(HubRoutes.PortalDashboard, (HttpRequest r, PortalApi p, CancellationToken ct) => p.DashboardAsync(r, ct));
        api.MapGet(HubRoutes.PortalHandoffs, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SearchAsync(r, ct));
        api.MapPost(HubRoutes.PortalHandoffSearch, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SearchByBodyAsync(r, ct));
        api.MapGet(HubRoutes.PortalHandoff, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.DetailAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalReplay, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.ReplayAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalResolve, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.ResolveAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalReveal, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.RevealAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalBulkReplay, (HttpRequest r, PortalApi p, CancellationToken ct) => p.BulkReplayAsync(r, ct));
        api.MapGet(HubRoutes.PortalUnacknowledged, (HttpRequest r, PortalApi p, CancellationToken ct) => p.UnacknowledgedAsync(r, ct));
        api.MapGet(HubRoutes.PortalAudit, (HttpRequest r, PortalApi p, CancellationToken ct) => p.AuditAsync(r, ct));
        api.MapGet(HubRoutes.PortalPage, (HttpRequest r, string? file, PortalPage p) => p.Get(r, file));
        api.MapGet(HubRoutes.Communities, (HttpRequest r, CommunitiesApi c) => c.List(r));
        api.MapGet(HubRoutes.Community, (HttpRequest r, string code, CommunitiesApi c) => c.Get(r, code));
        api.MapPost(HubRoutes.Suggestions, (HttpRequest r, SuggestionsApi s, CancellationToken ct) => s.SubmitAsync(r, ct));
        api.MapGet(HubRoutes.Suggestion, (HttpRequest r, string id, SuggestionsApi s, CancellationToken ct) => s.GetAsync(r, id, ct));
        api.MapPost(HubRoutes.SuggestionRating, (HttpRequest r, string id, SuggestionsApi s, CancellationToken ct) => s.RateAsync(r, id, ct));
        api.MapGet(HubRoutes.SuggestionPhoto, (HttpRequest r, string id, string photo, SuggestionsApi s, CancellationToken ct) => s.PhotoAsync(r, id, photo, ct));
        api.MapGet(HubRoutes.PortalSuggestions, (HttpRequest r, SuggestionPortalApi p, CancellationToken ct) => p.ListAsync(r, ct));
        api.MapGet(HubRoutes.PortalSuggestion, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.DetailAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalSuggestionStep, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.StepAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalSuggestionReveal, (HttpRequest r, string id, SuggestionPortalApi p, CancellationToken ct) => p.RevealAsync(r, id, ct));
        api.MapGet(HubRoutes.PortalSuggestionStats, (HttpRequest r, SuggestionPortalApi p, CancellationToken ct) => p.StatsAsync(r, ct));
        api.MapGet(HubRoutes.Health, (HealthApi h, CancellationToken ct) => h.Check(ct));
        api.MapGet(HubRoutes.HealthReady, (HealthApi h, CancellationToken ct) => h.Ready(ct));
        api.MapGet(HubRoutes.HealthLive, (HealthApi h, CancellationToken ct) => h.Live(ct));
        api.MapGet(HubRoutes.OpenApi, (HttpRequest r, OpenApiDocument d) => d.Get(r));
        api.MapGet(HubRoutes.ApiReference, (HttpRequest r, string? file, ApiReference d) => d.Get(r, file));
        return api;
    }
}
