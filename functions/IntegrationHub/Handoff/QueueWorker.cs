using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using IntegrationHub.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Handoff;

/// <summary>
/// The one-machine stand-in for a Functions queue trigger: receive, run the handler, delete on success;
/// a failing message becomes visible again, and past the dequeue limit moves to the poison queue, as the
/// Functions host does with host.json's maxDequeueCount.
/// </summary>
public sealed class QueueWorker(
    string name,
    Func<Task<QueueClient>> queue,
    Func<Task<QueueClient>>? poisonQueue,
    Func<IServiceProvider, string, CancellationToken, Task> handle,
    IServiceProvider services,
    IOptions<HandoffOptions> options,
    ILogger<QueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var client = await queue();
        var inFlight = new HashSet<Task>();
        using var freed = new SemaphoreSlim(0);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // No batch barrier: a message that waits (a department's retry delay, a slow answer) holds its own slot,
                // not the next receive. Receiving only when half the slots are free keeps receives per message low.
                while (inFlight.Count > o.Concurrency / 2)
                {
                    await freed.WaitAsync(stoppingToken);
                    inFlight.RemoveWhere(t => t.IsCompleted);
                }

                var messages = await ReceiveAsync(client, Math.Min(32, o.Concurrency - inFlight.Count), o, stoppingToken);
                if (messages is null || messages.Length == 0)
                {
                    await Task.Delay(o.PollInterval, stoppingToken);
                    continue;
                }

                foreach (var message in messages)
                {
                    inFlight.Add(RunAsync(client, message, freed, stoppingToken));
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight);
        }
    }

    private async Task<QueueMessage[]?> ReceiveAsync(QueueClient client, int count, HandoffOptions o, CancellationToken stoppingToken)
    {
        try
        {
            using var receive = StorageCalls.Begin("receive");
            var messages = (await client.ReceiveMessagesAsync(count, o.VisibilityTimeout, stoppingToken)).Value;
            if (messages.Length == 0)
            {
                receive.MarkIdle();
            }

            return messages;
        }
        catch (Azure.RequestFailedException ex)
        {
            logger.LogWarning("Queue {Queue} unreachable: {Error}", name, ex.Message);
            return null;
        }
    }

    private async Task RunAsync(QueueClient client, QueueMessage message, SemaphoreSlim freed, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await Process(client, message, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the message becomes visible again after its visibility timeout.
        }
        finally
        {
            freed.Release();
        }
    }

    private async Task Process(QueueClient client, QueueMessage message, CancellationToken cancellationToken)
    {
        using var scope = StorageCalls.Begin(name);
        try
        {
            await handle(services, message.Body.ToString(), cancellationToken);
            await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Message {MessageId} on {Queue} failed (dequeue {DequeueCount})", message.MessageId, name, message.DequeueCount);
            if (message.DequeueCount >= options.Value.MaxDequeueCount && poisonQueue is not null)
            {
                var poison = await poisonQueue();
                await poison.SendMessageAsync(message.Body.ToString(), cancellationToken);
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
        }
    }
}
