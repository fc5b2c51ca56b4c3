using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Handoff;

/// <summary>
/// The one-machine stand-in for the Functions timer triggers: the <see cref="StrandedSweep"/>, the <see cref="StatusFollowUps"/>
/// the <see cref="PersonalDataRetention"/> and the queue gauges' <see cref="QueueProbe"/>.
/// </summary>
public sealed class PeriodicSweep(IServiceProvider services, IOptions<HandoffOptions> options, TimeProvider time, ILogger<PeriodicSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await Run("sweep", ct => services.GetRequiredService<StrandedSweep>().RunAsync(ct), stoppingToken);
                await Run("poll", ct => services.GetRequiredService<StatusFollowUps>().RunAsync(ct), stoppingToken);
                await Run("retention", ct => services.GetRequiredService<PersonalDataRetention>().RunAsync(ct), stoppingToken);
                // The queue gauges; QueueProbe counts its calls as idle (a price per interval, not per application).
                await services.GetRequiredService<QueueProbe>().SampleAsync(stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Sweep could not reach storage: {Error}", ex.Message);
            }
        }
    }

    // A run that found nothing to do is counted as idle: its calls are a price per interval, not per application.
    private static async Task Run(string operation, Func<CancellationToken, Task<int>> job, CancellationToken cancellationToken)
    {
        using var scope = StorageCalls.Begin(operation);
        if (await job(cancellationToken) == 0)
        {
            scope.MarkIdle();
        }
    }
}
