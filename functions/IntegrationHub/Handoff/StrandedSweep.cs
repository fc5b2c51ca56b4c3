using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Handoff;

/// <summary>
/// Periodic repair, from one range read of the work table: finishes steps a crash interrupted (their intents), re-sends
/// hand-offs whose message was lost (a crash between storing and sending, or a message that expired), and takes back a
/// pending hand-off whose application was never written. Once an hour it also drops hour counters the dashboard no longer reads.
/// </summary>
internal sealed class StrandedSweep(
    WorkIndex work, ApplicationStore store, HandoffQueue queue, IOptions<HandoffOptions> options, TimeProvider time, ILogger<StrandedSweep> logger)
{
    private static readonly TimeSpan CountersKept = TimeSpan.FromHours(48);
    private DateTimeOffset _pruned = DateTimeOffset.MinValue;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overdue = now - options.Value.StrandedAfter;
        var (stranded, unfinished) = await work.OverdueAsync(overdue, overdue, cancellationToken);
        var repaired = 0;

        // Steps first: finishing one may end the hand-off a pending row below is about.
        foreach (var intent in unfinished)
        {
            var committed = await store.RepairAsync(intent, cancellationToken);
            HandoffLog.StepRepaired(logger, intent.Step, intent.ApplicationId, committed);
            repaired++;
        }

        // A pending row is overdue when its message should have been received StrandedAfter ago. That also holds for every
        // hand-off of a backlog the dispatcher has not reached yet (a restart after a long fill, a slow department): their
        // messages are in the queue, only late. Re-sending them doubled the queue on every sweep, and a long queue makes
        // every receive and delete dearer (Azurite scans all its messages per call). So while the queue's oldest visible
        // message has itself waited longer than StrandedAfter, the queue is behind and nothing is re-sent; a message truly
        // lost is re-sent by the first sweep after the queue catches up.
        // Assumption: the storage service's clock (InsertedOn) and the hub's agree within seconds; StrandedAfter is minutes.
        if (stranded.Count > 0 && await queue.OldestWaitingAsync(cancellationToken) is { } oldest && oldest < overdue)
        {
            HandoffLog.QueueBehind(logger, oldest, stranded.Count);
            stranded = [];
        }

        foreach (var pending in stranded)
        {
            var application = await store.ReadAsync(pending.ApplicationId, cancellationToken);
            if (application is null)
            {
                await store.AbandonIntakeAsync(pending, cancellationToken);
                HandoffLog.IntakeTakenBack(logger, pending.ApplicationId);
            }
            else if (!StepEffects.InFlight(application))
            {
                await work.ClearPendingAsync(pending.ApplicationId);
            }
            else
            {
                await work.MarkPendingAsync(pending.ApplicationId, now);
                // Telemetry hook (issue 14): the re-sent message continues the application's trace, not the sweep's.
                await queue.SendAsync(new HandoffMessage(pending.ApplicationId, TraceParent: application.TraceParent), TimeSpan.Zero, cancellationToken);
                HandoffLog.Reenqueued(logger, pending.ApplicationId, application.Handoff);
            }

            repaired++;
        }

        if (now - _pruned > TimeSpan.FromHours(1))
        {
            _pruned = now;
            repaired += await work.PruneHoursAsync(now - CountersKept, cancellationToken);
        }

        return repaired;
    }
}
