using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Events;

/// <summary>A request to POST one feed event to its platform's webhook.</summary>
public sealed record WebhookMessage(string Platform, string Cursor, int Attempt = 0);

/// <summary>
/// Turns committed status steps into events: a row in the platform's feed and a webhook message.
/// An "unpublished" intent is written before the status change and cleared after publishing, so the
/// sweep republishes whatever a crash in between left behind (feed rows are idempotent).
/// </summary>
public sealed class EventPublisher(HubTables tables, QueueServiceClient queues, IOptions<StorageOptions> storage, StatusTopic? topic = null)
{
    public const string UnpublishedPartition = "unpublished";

    private readonly Lazy<Task<QueueClient>> _webhooks = new(async () =>
    {
        var queue = queues.GetQueueClient(storage.Value.QueueName + "-webhooks");
        await queue.CreateIfNotExistsAsync();
        return queue;
    });

    public string WebhookQueueName => storage.Value.QueueName + "-webhooks";

    public Task<QueueClient> WebhookQueue() => _webhooks.Value;

    public async Task MarkUnpublishedAsync(string applicationId, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        await index.UpsertEntityAsync(new IndexEntity { PartitionKey = UnpublishedPartition, RowKey = applicationId, ApplicationId = applicationId },
            cancellationToken: cancellationToken);
    }

    public async Task PublishAsync(Committed committed, CancellationToken cancellationToken)
    {
        await PublishAsync(committed.Application, committed.Added, cancellationToken);
        var index = await tables.Index();
        try
        {
            await index.DeleteEntityAsync(UnpublishedPartition, committed.Application.PartitionKey, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Nothing was pending.
        }
    }

    /// <summary>Publishes every status step given; steps already in the feed are not sent again.</summary>
    public async Task PublishAsync(ApplicationEntity application, IEnumerable<TimelineEntity> entries, CancellationToken cancellationToken)
    {
        var feed = await tables.Events();
        foreach (var entry in entries.Where(e => e.Kind == "status"))
        {
            var row = new EventEntity
            {
                PartitionKey = application.Platform,
                RowKey = Cursor(entry),
                EventId = $"{application.PartitionKey}-{entry.Sequence}",
                ApplicationId = application.PartitionKey,
                ItemCode = application.ItemCode,
                Status = entry.Status!,
                PreviousStatus = entry.PreviousStatus!,
                CaseNumber = application.CaseNumber,
                Reason = entry.DepartmentMessage,
                OccurredAt = entry.At,
            };
            try
            {
                await feed.AddEntityAsync(row, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                continue; // published before; its webhook message was sent then
            }

            var queue = await _webhooks.Value;
            await queue.SendMessageAsync(JsonSerializer.Serialize(new WebhookMessage(application.Platform, row.RowKey)), cancellationToken);
            if (topic is not null)
            {
                await topic.SendAsync(EventsApi.ToEvent(row), application.Platform, cancellationToken);
            }
        }
    }

    /// <summary>Feed order is time order; the application id and sequence make the cursor unique and repeatable.</summary>
    private static string Cursor(TimelineEntity entry) => $"{entry.At.UtcTicks:D19}-{entry.PartitionKey}-{entry.Sequence:D6}";
}
