using Azure.Storage.Queues;
using IntegrationHub.Storage;

namespace IntegrationHub.Telemetry;

/// <summary>
/// Samples each pipeline queue's depth and the age of its oldest visible message (two storage calls per queue) for the
/// gauges and the backlog health check. A message waiting out a retry delay is invisible and not counted as old. Platform
/// events have no queue since the feed (docs/storage.md): how late they reach a platform is the webhook lag histogram.
/// </summary>
internal sealed class QueueProbe(HandoffQueue handoffs, HubMetrics metrics, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, QueueState>> SampleAsync(CancellationToken cancellationToken)
    {
        // A price per interval (the timer, a health probe), never per application: counted apart from the budget's calls.
        using var calls = StorageCalls.Begin("telemetry");
        calls.MarkIdle();
        var states = new Dictionary<string, QueueState>(StringComparer.Ordinal);
        foreach (var (name, queue) in new (string, Func<Task<QueueClient>>)[]
        {
            (handoffs.QueueName, handoffs.Queue), (handoffs.PoisonQueueName, handoffs.PoisonQueue),
        })
        {
            var client = await queue();
            var properties = await client.GetPropertiesAsync(cancellationToken);
            var age = await HandoffQueue.OldestWaitingAsync(client, cancellationToken) is { } inserted ? time.GetUtcNow() - inserted : TimeSpan.Zero;
            var state = new QueueState(properties.Value.ApproximateMessagesCount, age < TimeSpan.Zero ? TimeSpan.Zero : age);
            metrics.QueueSampled(name, state.Depth, state.OldestAge);
            states[name] = state;
        }

        return states;
    }
}

internal readonly record struct QueueState(long Depth, TimeSpan OldestAge);
