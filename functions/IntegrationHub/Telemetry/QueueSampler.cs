using IntegrationHub.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Telemetry;

/// <summary>Keeps the queue gauges current on hosts without timer triggers: one sample per <c>Delivery:SweepInterval</c>.</summary>
internal sealed class QueueSampler(QueueProbe probe, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<QueueSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await probe.SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                // Storage away: the gauges keep their last sample and the health report says so; the sampler keeps going.
                logger.LogWarning("Queue sample failed: {Error}", ex.GetType().Name);
            }

            await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
        }
    }
}
