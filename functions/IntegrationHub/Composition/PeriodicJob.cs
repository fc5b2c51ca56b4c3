using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Composition;

/// <summary>
/// A slice's periodic job on the local host, standing in for its Functions timer trigger: it runs every interval on the
/// hub's clock, and a run that cannot reach storage is logged and left to the next tick.
/// </summary>
internal sealed partial class PeriodicJob(
    string name, TimeSpan interval, Func<IServiceProvider, CancellationToken, Task> run, IServiceProvider services, TimeProvider time, ILogger<PeriodicJob> logger)
    : BackgroundService
{
    /// <summary>Registers <paramref name="run"/> every <paramref name="interval"/> of <typeparamref name="TOptions"/>.</summary>
    public static IServiceCollection Add<TOptions>(IServiceCollection services, string name, Func<TOptions, TimeSpan> interval,
        Func<IServiceProvider, CancellationToken, Task> run)
        where TOptions : class =>
        // Not AddHostedService: it de-duplicates by implementation type, and every job is a PeriodicJob.
        services.AddSingleton<IHostedService>(sp => new PeriodicJob(name, interval(sp.GetRequiredService<IOptions<TOptions>>().Value), run, sp,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PeriodicJob>>()));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await run(services, stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                Unreachable(logger, name, ex.Status);
            }
        }
    }

    [LoggerMessage(EventId = 16001, Level = LogLevel.Warning, Message = "{Job} could not reach storage: {Status}")]
    private static partial void Unreachable(ILogger logger, string job, int status);
}
