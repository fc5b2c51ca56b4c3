using Azure.Storage.Queues;
using IntegrationHub.Delivery;
using IntegrationHub.Events;

namespace IntegrationHub.Telemetry;

/// <summary>
/// Samples each pipeline queue's depth and the age of its oldest visible message (two storage calls per queue) for the
/// gauges and the backlog health check. A message waiting out a retry delay is invisible and not counted as old.
/// </summary>
public sealed class QueueProbe(HandoffQueue handoffs, EventPublisher events, HubMetrics metrics, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, QueueState>> SampleAsync(CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, QueueState>(StringComparer.Ordinal);
        foreach (var (name, queue) in new (string, Func<Task<QueueClient>>)[]
        {
            ("handoffs", handoffs.Queue), ("handoffs-poison", handoffs.PoisonQueue), ("webhooks", events.WebhookQueue),
        })
        {
            var client = await queue();
            var properties = await client.GetPropertiesAsync(cancellationToken);
            var oldest = (await client.PeekMessagesAsync(1, cancellationToken)).Value.FirstOrDefault();
            var age = oldest?.InsertedOn is { } inserted ? time.GetUtcNow() - inserted : TimeSpan.Zero;
            var state = new QueueState(properties.Value.ApproximateMessagesCount, age < TimeSpan.Zero ? TimeSpan.Zero : age);
            metrics.QueueSampled(name, state.Depth, state.OldestAge);
            states[name] = state;
        }

        return states;
    }
}

public readonly record struct QueueState(long Depth, TimeSpan OldestAge);
