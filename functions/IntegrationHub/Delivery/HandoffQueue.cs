using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Delivery;

/// <summary>
/// A request to deliver (or re-deliver) one application. <see cref="ReplayOf"/> names the attempt an operator replays.
/// <see cref="TraceParent"/> (telemetry hook, issue 14) is the W3C context of the work that sent it, so the dispatcher's
/// span continues that trace; absent in messages from before it existed and from the stranded sweep.
/// </summary>
public sealed record HandoffMessage(string ApplicationId, int? ReplayOf = null, string? ReplayedBy = null, string? TraceParent = null);

/// <summary>
/// The hand-off queue and its intents. A pending row in the index is written before the application
/// and kept until the hand-off ends, so the sweep can re-send anything a crash left stranded.
/// </summary>
public sealed class HandoffQueue(QueueServiceClient queues, HubTables tables, IOptions<StorageOptions> storage, IOptions<DeliveryOptions> delivery, TimeProvider time)
{
    public const string PendingPartition = "pending";

    private readonly Lazy<Task<QueueClient>> _queue = new(() => Create(queues, storage.Value.QueueName));
    private readonly Lazy<Task<QueueClient>> _poison = new(() => Create(queues, storage.Value.QueueName + "-poison"));

    public string QueueName => storage.Value.QueueName;

    public string PoisonQueueName => storage.Value.QueueName + "-poison";

    public Task<QueueClient> Queue() => _queue.Value;

    public Task<QueueClient> PoisonQueue() => _poison.Value;

    public async Task SendAsync(HandoffMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await _queue.Value;
        await MarkPendingAsync(message.ApplicationId, cancellationToken, delay);
        // Telemetry hook (issue 14): the trace context travels in the message.
        message = message with { TraceParent = message.TraceParent ?? Activity.Current?.Id };
        await queue.SendMessageAsync(JsonSerializer.Serialize(message), visibilityTimeout: delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken);
    }

    public async Task MarkPendingAsync(string applicationId, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        var index = await tables.Index();
        await index.UpsertEntityAsync(new IndexEntity
        {
            PartitionKey = PendingPartition,
            RowKey = applicationId,
            ApplicationId = applicationId,
            DueAt = time.GetUtcNow() + delay + delivery.Value.StrandedAfter,
        }, cancellationToken: cancellationToken);
    }

    public async Task ClearPendingAsync(string applicationId, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        try
        {
            await index.DeleteEntityAsync(PendingPartition, applicationId, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already cleared.
        }
    }

    public static HandoffMessage Parse(string body) =>
        JsonSerializer.Deserialize<HandoffMessage>(body) ?? throw new FormatException("Empty hand-off message.");

    private static async Task<QueueClient> Create(QueueServiceClient queues, string name)
    {
        var queue = queues.GetQueueClient(name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
