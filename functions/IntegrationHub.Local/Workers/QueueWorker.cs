using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Local.Workers;

/// <summary>
/// The one-machine stand-in for a Functions queue trigger: receive, run the handler, delete on success;
/// a failing message becomes visible again, and past the dequeue limit moves to the poison queue, as the
/// Functions host does with host.json's maxDequeueCount.
/// </summary>
/// <remarks>
/// Named after the Functions app's function it stands in for (the parity test pairs them by name); its storage calls are
/// counted under its own operation.
/// </remarks>
internal sealed class QueueWorker(
    string function,
    string operation,
    string queueName,
    Func<Task<QueueClient>> queue,
    Func<Task<QueueClient>>? poisonQueue,
    Func<IServiceProvider, string, CancellationToken, Task> handle,
    IServiceProvider services,
    IOptions<HandoffOptions> options,
    ILogger<QueueWorker> logger) : BackgroundService
{
    public string Function => function;

    public string QueueName => queueName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var client = await queue();
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                using var receive = StorageCalls.Begin("receive");
                messages = (await client.ReceiveMessagesAsync(16, o.VisibilityTimeout, stoppingToken)).Value;
                if (messages.Length == 0)
                {
                    receive.MarkIdle();
                }
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Queue {Queue} unreachable: {Error}", queueName, ex.Message);
                await Task.Delay(o.PollInterval, stoppingToken);
                continue;
            }

            if (messages.Length == 0)
            {
                await Task.Delay(o.PollInterval, stoppingToken);
                continue;
            }

            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = stoppingToken },
                async (message, ct) => await Process(client, message, ct));
        }
    }

    private async Task Process(QueueClient client, QueueMessage message, CancellationToken cancellationToken)
    {
        using var scope = StorageCalls.Begin(operation);
        try
        {
            await handle(services, message.Body.ToString(), cancellationToken);
            await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Message {MessageId} on {Queue} failed (dequeue {DequeueCount})", message.MessageId, queueName, message.DequeueCount);
            if (message.DequeueCount >= options.Value.MaxDequeueCount && poisonQueue is not null)
            {
                var poison = await poisonQueue();
                await poison.SendMessageAsync(message.Body.ToString(), cancellationToken);
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
        }
    }
}
