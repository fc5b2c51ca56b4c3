using IntegrationHub.Composition;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Appointments;

public static class AppointmentsRegistration
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

    /// <summary>The local host's stand-in for the <c>AppointmentReminders</c> timer trigger.</summary>
    public static IServiceCollection AddAppointmentReminders(this IServiceCollection services) => services.AddHostedService<AppointmentReminderSweep>();

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
        api.MapPost(HubRoutes.PortalAppointmentOutcome, (HttpRequest r, string id, AppointmentPortalApi p, CancellationToken ct) => p.OutcomeAsync(r, id, ct));
        return api;
    }
}

/// <summary>Runs the reminder job on the local host every <see cref="AppointmentOptions.SweepInterval"/>, on the hub's clock.</summary>
internal sealed class AppointmentReminderSweep(IServiceProvider services, IOptions<AppointmentOptions> options, TimeProvider time, ILogger<AppointmentReminderSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await services.GetRequiredService<AppointmentService>().RunRemindersAsync(stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Appointment reminders could not reach storage: {Status}", ex.Status);
            }
        }
    }
}
