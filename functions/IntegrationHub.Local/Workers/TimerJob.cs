using IntegrationHub.Composition;
using IntegrationHub.Storage;

namespace IntegrationHub.Local.Workers;

/// <summary>
/// The one-machine stand-in for a Functions timer trigger: runs its job at each occurrence of the same CRON schedule
/// (read from the same setting), on the hub's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Named after the Functions app's function it stands in for (the parity test pairs them by name). Its storage calls are
/// counted under its operation (none: the job counts its own); the job returns how much it did, and a run that did nothing
/// counts as idle, its calls a price per occurrence, not per application.
/// </remarks>
internal sealed partial class TimerJob(
    string function,
    string? operation,
    string schedule,
    Func<IServiceProvider, CancellationToken, Task<int>> job,
    IServiceProvider services,
    TimeProvider time,
    ILogger<TimerJob> logger) : BackgroundService
{
    private readonly Cronos.CronExpression _cron = CronScheduleAttribute.Parse(schedule);

    public string Function => function;

    public string Schedule => schedule;

    private long _ranFrom;

    /// <summary>
    /// When (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) the latest run that has ended began. For tests, which
    /// wait for a run that began after what they did instead of sleeping through a few occurrences.
    /// </summary>
    internal long RanFrom => Interlocked.Read(ref _ranFrom);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (NextRun(_cron, now, last) is not { } next)
            {
                return;
            }

            await Task.Delay(next - now > TimeSpan.Zero ? next - now : TimeSpan.Zero, time, stoppingToken);
            last = next;
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                Unreachable(logger, function, ex.Status);
            }
        }
    }

    /// <summary>
    /// The occurrence after both now and the last run: from the last run, so a timer that fires a hair early does not run
    /// one occurrence twice; from now, so occurrences a busy host missed are skipped, not caught up (the Functions timer
    /// does the same without a schedule monitor). None when the schedule never comes again.
    /// </summary>
    public static DateTimeOffset? NextRun(Cronos.CronExpression cron, DateTimeOffset now, DateTimeOffset last) =>
        cron.GetNextOccurrence(now > last ? now : last, TimeZoneInfo.Utc);

    /// <summary>One run, as one occurrence of the timer runs it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var scope = operation is null ? null : StorageCalls.Begin(operation);
        if (await job(services, cancellationToken) == 0)
        {
            scope?.MarkIdle();
        }

        Interlocked.Exchange(ref _ranFrom, started);
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "{Function} could not reach storage: {Status}")]
    private static partial void Unreachable(ILogger logger, string function, int status);
}
