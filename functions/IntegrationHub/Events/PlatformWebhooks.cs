using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Events;

/// <summary>
/// The platforms' webhooks as a feed sink: each event POSTed with <c>X-Hub-Signature: sha256=hex(HMAC-SHA256(secret, raw
/// body))</c> and <c>X-Hub-Event-Id</c>, retried with a growing delay until a 2xx arrives. When the platform takes an
/// application's final status, that goes on the application's timeline (one write per application, not per event).
/// </summary>
internal sealed class PlatformWebhooks(
    IHttpClientFactory clients,
    PlatformAuth platforms,
    IOptionsMonitor<PlatformOptions> platformOptions,
    ApplicationStore store,
    IOptions<FeedPumpOptions> options,
    TimeProvider time,
    ILogger<PlatformWebhooks> logger,
    HubMetrics metrics) : IFeedSink
{
    public const string SignatureHeader = "X-Hub-Signature";
    public const string EventIdHeader = "X-Hub-Event-Id";
    public const string ClientName = "platform-webhooks";

    public string Name => "webhook";

    public IEnumerable<string> Platforms => platformOptions.CurrentValue.Clients.Where(c => c.WebhookUrl is not null && c.WebhookSecret is not null).Select(c => c.Name);

    public async Task HandOffAsync(string platform, IReadOnlyList<EventEntity> events, CancellationToken cancellationToken)
    {
        if (platforms.Find(platform) is not { WebhookUrl: { } url, WebhookSecret: { } secret })
        {
            return; // this platform reads the pull feed only
        }

        // One application's events go one after another, in feed order, so a later status never reaches the platform
        // before an earlier one that is still being retried; different applications' events go at once.
        var http = clients.CreateClient(ClientName);
        await Task.WhenAll(events.GroupBy(e => EventEntity.IsApplicationEvent(e) ? e.ApplicationId : e.EventId).Select(async application =>
        {
            foreach (var row in application)
            {
                await HandOffAsync(http, platform, url, secret, row, cancellationToken);
            }
        }));
    }

    private async Task HandOffAsync(HttpClient http, string platform, Uri url, string secret, EventEntity row, CancellationToken cancellationToken)
    {
        // Telemetry hook (issue 14): the webhook (every attempt of it) is a span in the application's trace, which the
        // event row carries; an event from before it did starts a trace of its own, still found by the application id.
        using var activity = HubTelemetry.StartInApplicationTrace($"webhook {platform}", row.TraceParent, row.ApplicationId, ActivityKind.Producer);
        var body = JsonSerializer.SerializeToUtf8Bytes(EventsApi.ToHubEvent(row), HubJson.Info<HubEvent>());
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        var refusals = 0;
        for (var attempt = 0; ; attempt++)
        {
            int? status = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                request.Headers.Add(EventIdHeader, row.EventId);
                request.Headers.Add(SignatureHeader, signature);
                using var response = await http.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                EventsLog.WebhookFailed(logger, row.EventId, platform, ex.GetType().Name);
            }

            if (status is >= 200 and < 300)
            {
                // Telemetry hook (issue 14): from the status change to the platform's acknowledgement.
                metrics.WebhookDelivered(platform, time.GetUtcNow() - row.OccurredAt);
                activity?.SetTag(HubTelemetry.OutcomeTag, "delivered");
                await AcknowledgedAsync(platform, row, status.Value, cancellationToken);
                return;
            }

            // A refusal (400, 404…) that keeps coming is given up, so one bad event cannot hold the platform's feed;
            // the event stays in the pull feed. Anything else (5xx, 408, 429, no answer) is tried until it is taken.
            if (status is >= 400 and < 500 and not 408 and not 429 && ++refusals >= options.Value.MaxRefusals)
            {
                EventsLog.WebhookRefused(logger, row.EventId, platform, refusals, status);
                activity?.SetTag(HubTelemetry.OutcomeTag, "refused");
                return;
            }

            var delay = options.Value.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 16));
            await Task.Delay(delay < options.Value.RetryMaxDelay ? delay : options.Value.RetryMaxDelay, time, cancellationToken);
        }
    }

    private async Task AcknowledgedAsync(string platform, EventEntity row, int status, CancellationToken cancellationToken)
    {
        // A suggestion's or an appointment's event (issues 12, 13) has no application timeline to note it on.
        if (!EventEntity.IsApplicationEvent(row) || !StatusMachine.IsFinal(row.ApplicationStates().Status))
        {
            return;
        }

        using var calls = StorageCalls.Begin("webhook");
        await store.StepAsync(row.ApplicationId, _ => StepPlan.Of(new TimelineEntity
        {
            Kind = "platform-notified",
            Summary = $"Platform {platform} acknowledged the final status {row.Status} (event {row.EventId}) with {status}",
            Status = row.ApplicationStates().Status,
        }), cancellationToken);
    }
}
