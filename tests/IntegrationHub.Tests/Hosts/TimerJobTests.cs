using IntegrationHub.Composition;
using IntegrationHub.Local.Workers;

namespace IntegrationHub.Tests.Hosts;

/// <summary>The local host's stand-in for a Functions timer: when it runs next, on the Functions timer format.</summary>
public sealed class TimerJobTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextRun_EveryMinute_IsTheNextWholeMinute()
    {
        var cron = CronScheduleAttribute.Parse("0 */1 * * * *");

        Assert.Equal(Noon.AddMinutes(1), TimerJob.NextRun(cron, now: Noon.AddSeconds(10), last: Noon));
    }

    [Fact]
    public void NextRun_TimerFiredEarly_DoesNotRunTheSameOccurrenceTwice()
    {
        var cron = CronScheduleAttribute.Parse("30 */1 * * * *");
        var ran = Noon.AddSeconds(30);

        // The clock reads a hair before the occurrence that just ran.
        Assert.Equal(Noon.AddSeconds(90), TimerJob.NextRun(cron, now: ran.AddMilliseconds(-1), last: ran));
    }

    [Fact]
    public void NextRun_HostWasBusyPastOccurrences_RunsAtTheNextOneOnly()
    {
        var cron = CronScheduleAttribute.Parse("*/30 * * * * *");

        Assert.Equal(Noon.AddMinutes(5).AddSeconds(30), TimerJob.NextRun(cron, now: Noon.AddMinutes(5).AddSeconds(1), last: Noon));
    }

    [Fact]
    public void NextRun_ScheduleThatNeverComes_IsNone()
    {
        Assert.Null(TimerJob.NextRun(CronScheduleAttribute.Parse("0 0 0 30 2 *"), Noon, Noon));
    }
}
