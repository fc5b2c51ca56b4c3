using IntegrationHub.Composition;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Appointments;

internal static class AppointmentsRegistration
{
    /// <summary>Booking a visit to a community's service hall (issue 13): slots, bookings, reminders, the worker's day view.</summary>
    public static IServiceCollection AddAppointments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AppointmentOptions>(configuration, AppointmentOptions.Section);
        services.AddSingleton(_ => HolidayCalendar.LoadEmbedded());
        services.AddSingleton<SlotPlanner>();
        services.AddSingleton<AppointmentStore>();
        services.AddSingleton<AppointmentFeed>();
        services.AddSingleton<AppointmentService>();
        services.AddSingleton<AppointmentsApi>();
        services.AddSingleton<AppointmentPortalApi>();
        return services;
    }

    /// <summary>The slice's routes in the local host; the Functions app declares the same (AppointmentFunctions).</summary>
    public static IEndpointRouteBuilder MapAppointments(this IEndpointRouteBuilder api)
    {
        // Load and check the holiday calendar now, so a bad year file fails at start, not on the first request.
        api.ServiceProvider.GetRequiredService<HolidayCalendar>();
        api.MapGet(HubRoutes.CommunitySlots, (HttpRequest r, string code, AppointmentsApi a, CancellationToken ct) => a.SlotsAsync(r, code, ct));
        api.MapPost(HubRoutes.Appointments, (HttpRequest r, AppointmentsApi a, CancellationToken ct) => a.BookAsync(r, ct));
        api.MapGet(HubRoutes.Appointment, (HttpRequest r, string id, AppointmentsApi a, CancellationToken ct) => a.GetAsync(r, id, ct));
        api.MapDelete(HubRoutes.Appointment, (HttpRequest r, string id, AppointmentsApi a, CancellationToken ct) => a.CancelAsync(r, id, ct));
        api.MapGet(HubRoutes.PortalAppointments, (HttpRequest r, AppointmentPortalApi p, CancellationToken ct) => p.DayViewAsync(r, ct));
        api.MapPost(HubRoutes.PortalAppointmentMark, (HttpRequest r, string id, AppointmentPortalApi p, CancellationToken ct) => p.OutcomeAsync(r, id, ct));
        return api;
    }
}
