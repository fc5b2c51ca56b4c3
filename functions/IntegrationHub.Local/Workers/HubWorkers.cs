using IntegrationHub.Appointments;
using IntegrationHub.Events;
using IntegrationHub.Handoff;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Local.Workers;

/// <summary>
/// The local host's stand-ins for the Functions app's queue and timer triggers (functions/IntegrationHub.Functions/
/// PipelineFunctions.cs and SuggestionFunctions.cs): one worker per function, named after it, on the same queue names and
/// schedules, which both hosts read from the same settings. Hosts/TriggerParityTests holds the two tables side by side.
/// </summary>
internal static class HubWorkers
{
    public static IServiceCollection AddHubWorkers(this IServiceCollection services)
    {
        // Not AddHostedService: it de-duplicates by implementation type, and these are several of each.
        services.AddSingleton<IHostedService>(sp => Queue(sp, "HandOff", "dispatch", poisonAfter: true,
            (s, m, ct) => s.GetRequiredService<HandoffDispatcher>().HandleAsync(m, ct)));
        services.AddSingleton<IHostedService>(sp => Queue(sp, "FailPoisonedHandoff", "poison", poisonAfter: false,
            (s, m, ct) => s.GetRequiredService<HandoffDispatcher>().HandlePoisonAsync(m, ct)));

        services.AddSingleton<IHostedService>(sp => Timer(sp, "DeliverPlatformEvents", null, Schedule<FeedPumpOptions>(sp, o => o.NudgeSchedule),
            (s, _) =>
            {
                s.GetRequiredService<FeedPumps>().Nudge();
                return Task.FromResult(0);
            }));
        services.AddSingleton<IHostedService>(sp => Timer(sp, "SweepStranded", "sweep", Schedule<HandoffOptions>(sp, o => o.SweepSchedule),
            (s, ct) => s.GetRequiredService<StrandedSweep>().RunAsync(ct)));
        services.AddSingleton<IHostedService>(sp => Timer(sp, "AskDepartments", "poll", Schedule<HandoffOptions>(sp, o => o.FollowUpSchedule),
            (s, ct) => s.GetRequiredService<StatusFollowUps>().RunAsync(ct)));
        services.AddSingleton<IHostedService>(sp => Timer(sp, "ErasePersonalData", "retention", Schedule<RetentionOptions>(sp, o => o.Schedule),
            (s, ct) => s.GetRequiredService<PersonalDataRetention>().RunAsync(ct)));
        // QueueProbe counts its calls as idle itself (a price per interval, not per application).
        services.AddSingleton<IHostedService>(sp => Timer(sp, "SampleQueues", null, Schedule<TelemetryOptions>(sp, o => o.QueueSampleSchedule),
            async (s, ct) => (await s.GetRequiredService<QueueProbe>().SampleAsync(ct)).Count));
        services.AddSingleton<IHostedService>(sp => Timer(sp, "SuggestionDeadlines", null, Schedule<SuggestionOptions>(sp, o => o.DeadlineSchedule),
            (s, ct) => s.GetRequiredService<SuggestionService>().RunDeadlinesAsync(ct)));
        services.AddSingleton<IHostedService>(sp => Timer(sp, "AppointmentReminders", null, Schedule<AppointmentOptions>(sp, o => o.ReminderSchedule),
            (s, ct) => s.GetRequiredService<AppointmentService>().RunRemindersAsync(ct)));
        return services;
    }

    private static string Schedule<T>(IServiceProvider sp, Func<T, string> schedule)
        where T : class => schedule(sp.GetRequiredService<IOptions<T>>().Value);

    private static QueueWorker Queue(IServiceProvider sp, string function, string operation, bool poisonAfter,
        Func<IServiceProvider, string, CancellationToken, Task> handle)
    {
        var handoffs = sp.GetRequiredService<HandoffQueue>();
        return poisonAfter
            ? new(function, operation, handoffs.QueueName, handoffs.Queue, handoffs.PoisonQueue, handle, sp,
                sp.GetRequiredService<IOptions<HandoffOptions>>(), sp.GetRequiredService<ILogger<QueueWorker>>())
            : new(function, operation, handoffs.PoisonQueueName, handoffs.PoisonQueue, null, handle, sp,
                sp.GetRequiredService<IOptions<HandoffOptions>>(), sp.GetRequiredService<ILogger<QueueWorker>>());
    }

    private static TimerJob Timer(IServiceProvider sp, string function, string? operation, string schedule,
        Func<IServiceProvider, CancellationToken, Task<int>> job) =>
        new(function, operation, schedule, job, sp, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TimerJob>>());
}
