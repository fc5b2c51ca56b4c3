using IntegrationHub.Contracts;
using IntegrationHub.Events;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Delivery;

/// <summary>
/// Periodic repair: re-enqueues hand-offs whose message was lost (a crash between storing and sending,
/// or a message that expired) and republishes status events a crash left unpublished.
/// </summary>
public sealed class StrandedSweep(HubTables tables, ApplicationStore store, HandoffQueue queue, EventPublisher events, TimeProvider time, ILogger<StrandedSweep> logger)
{
    private static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(30);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var index = await tables.Index();
        var repaired = 0;
        await foreach (var pending in index.QueryAsync<IndexEntity>(e => e.PartitionKey == HandoffQueue.PendingPartition && e.DueAt < now,
            cancellationToken: cancellationToken))
        {
            var application = await store.FindAsync(pending.ApplicationId, cancellationToken);
            if (application is null || Enum.Parse<HandoffState>(application.Handoff) is HandoffState.Delivered or HandoffState.Failed or HandoffState.Resolved)
            {
                if (application is null && now - pending.Timestamp < PublishGrace)
                {
                    continue; // the application may still be being written
                }

                await queue.ClearPendingAsync(pending.ApplicationId, cancellationToken);
                continue;
            }

            await queue.SendAsync(new HandoffMessage(pending.ApplicationId), TimeSpan.Zero, cancellationToken);
            logger.LogWarning("Re-enqueued stranded hand-off {ApplicationId}", pending.ApplicationId);
            repaired++;
        }

        var settled = now - PublishGrace;
        await foreach (var unpublished in index.QueryAsync<IndexEntity>(e => e.PartitionKey == EventPublisher.UnpublishedPartition && e.Timestamp < settled,
            cancellationToken: cancellationToken))
        {
            if (await store.FindAsync(unpublished.ApplicationId, cancellationToken) is { } application)
            {
                await events.PublishAsync(new Committed(application, await store.TimelineAsync(application.PartitionKey, cancellationToken)), cancellationToken);
                repaired++;
            }
        }

        return repaired;
    }
}
