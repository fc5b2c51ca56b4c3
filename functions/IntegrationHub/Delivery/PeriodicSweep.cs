using IntegrationHub.Privacy;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Delivery;

/// <summary>
/// The one-machine stand-in for the Functions timer triggers: the <see cref="StrandedSweep"/>, the <see cref="StatusFollowUps"/>
/// the <see cref="PersonalDataRetention"/> and the queue gauges' <see cref="QueueProbe"/>.
/// </summary>
public sealed class PeriodicSweep(IServiceProvider services, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<PeriodicSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await services.GetRequiredService<StrandedSweep>().RunAsync(stoppingToken);
                await services.GetRequiredService<StatusFollowUps>().RunAsync(stoppingToken);
                await services.GetRequiredService<PersonalDataRetention>().RunAsync(stoppingToken);
                await services.GetRequiredService<QueueProbe>().SampleAsync(stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Sweep could not reach storage: {Error}", ex.Message);
            }
        }
    }
}
