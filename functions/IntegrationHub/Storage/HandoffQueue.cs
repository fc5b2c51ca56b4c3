using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>
/// A request to deliver (or re-deliver) one application. <see cref="ReplayOf"/> names the attempt an operator replays.
/// <see cref="TraceParent"/> (telemetry hook, issue 14) is the W3C context of the work that sent it, so the dispatcher's
/// span continues that trace (the stranded sweep sends the application's own); absent in messages from before it existed.
/// </summary>
internal sealed record HandoffMessage(string ApplicationId, int? ReplayOf = null, string? ReplayedBy = null, string? TraceParent = null);

/// <summary>
/// The hand-off queue and its poison queue. The pending row that lets the sweep re-send a stranded message is written by
/// the store, before the application (intake) or with the step that schedules the next try (<see cref="StepPlan.HandoffVisibleAt"/>).
/// </summary>
internal sealed class HandoffQueue(QueueServiceClient queues, IOptions<StorageOptions> storage)
{
    private readonly Lazy<Task<QueueClient>> _queue = new(() => Create(queues, storage.Value.QueueName));
    private readonly Lazy<Task<QueueClient>> _poison = new(() => Create(queues, storage.Value.QueueName + "-poison"));

    public string QueueName => storage.Value.QueueName;

    public string PoisonQueueName => storage.Value.QueueName + "-poison";

    public Task<QueueClient> Queue() => _queue.Value;

    public Task<QueueClient> PoisonQueue() => _poison.Value;

    public async Task SendAsync(HandoffMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await _queue.Value;
        // Telemetry hook (issue 14): the trace context travels in the message (no call of its own: it is in the message body).
        message = message with { TraceParent = message.TraceParent ?? Activity.Current?.Id };
        await queue.SendMessageAsync(JsonSerializer.Serialize(message), visibilityTimeout: delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken);
    }

    /// <summary>When the oldest message still waiting to be received was sent; null when no message is visible (one peek).</summary>
    public async Task<DateTimeOffset?> OldestWaitingAsync(CancellationToken cancellationToken) =>
        await OldestWaitingAsync(await _queue.Value, cancellationToken);

    /// <summary>The same for any queue (the telemetry probe samples the poison queue too).</summary>
    public static async Task<DateTimeOffset?> OldestWaitingAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        var head = (await queue.PeekMessagesAsync(1, cancellationToken)).Value;
        return head.Length == 0 ? null : head[0].InsertedOn;
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
