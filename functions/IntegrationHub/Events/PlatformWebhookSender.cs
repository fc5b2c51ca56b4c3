using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationHub.Contracts;
using IntegrationHub.Delivery;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Events;

/// <summary>
/// POSTs one status event to its platform: <c>X-Hub-Signature: sha256=hex(HMAC-SHA256(secret, raw body))</c>
/// and <c>X-Hub-Event-Id</c>. Until a 2xx arrives it re-enqueues itself with a growing delay.
/// </summary>
public sealed class PlatformWebhookSender(
    HttpClient http,
    HubTables tables,
    EventPublisher publisher,
    ApplicationStore store,
    PlatformAuth platforms,
    IOptions<DeliveryOptions> options,
    ILogger<PlatformWebhookSender> logger)
{
    public const string SignatureHeader = "X-Hub-Signature";
    public const string EventIdHeader = "X-Hub-Event-Id";

    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        var message = JsonSerializer.Deserialize<WebhookMessage>(messageText) ?? throw new FormatException("Empty webhook message.");
        if (platforms.Find(message.Platform) is not { WebhookUrl: { } url, WebhookSecret: { } secret })
        {
            return; // this platform reads the pull feed only
        }

        var feed = await tables.Events();
        var found = await feed.GetEntityIfExistsAsync<TableEntity>(message.Platform, message.Cursor, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return;
        }

        // Issue 12: the feed also holds suggestion events; both go out as a HubEvent, whose "type" tells them apart.
        var stored = found.Value!;
        var suggestion = SuggestionFeed.Is(stored);
        HubEvent hubEvent = suggestion ? SuggestionFeed.ToEvent(stored) : EventsApi.ToEvent(stored);
        var row = new EventEntity
        {
            EventId = stored.GetString(nameof(EventEntity.EventId)),
            ApplicationId = stored.GetString(nameof(EventEntity.ApplicationId)) ?? "",
            Status = stored.GetString(nameof(EventEntity.Status)),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(hubEvent, HubJson.Info<HubEvent>());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventIdHeader, row.EventId);
        request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));

        int? status = null;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Webhook {EventId} to {Platform} failed: {Error}", row.EventId, message.Platform, ex.GetType().Name);
        }

        if (status is >= 200 and < 300 && suggestion)
        {
            return;
        }

        if (status is >= 200 and < 300)
        {
            await store.UpdateAsync(row.ApplicationId, _ => [new TimelineEntity
            {
                Kind = "platform-notified",
                Summary = $"Platform {message.Platform} acknowledged event {row.EventId} ({row.Status}) with {status}",
                Status = row.Status,
            }], cancellationToken);
            return;
        }

        var delay = options.Value.RetryBaseDelay * Math.Pow(2, Math.Min(message.Attempt, 10));
        var queue = await publisher.WebhookQueue();
        await queue.SendMessageAsync(JsonSerializer.Serialize(message with { Attempt = message.Attempt + 1 }),
            visibilityTimeout: delay < options.Value.RetryMaxDelay ? delay : options.Value.RetryMaxDelay, cancellationToken: cancellationToken);
    }
}
