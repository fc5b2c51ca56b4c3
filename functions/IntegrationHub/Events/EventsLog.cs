using Microsoft.Extensions.Logging;

namespace IntegrationHub.Events;

/// <summary>The events slice's log lines (event ids 3000–3999, docs/telemetry.md): ids and codes only, never personal data.</summary>
internal static partial class EventsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Webhook {EventId} to {Platform} failed: {Error}")]
    public static partial void WebhookFailed(ILogger logger, string eventId, string platform, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Webhook {EventId} to {Platform} refused {Refusals} times ({Status}); left to the pull feed")]
    public static partial void WebhookRefused(ILogger logger, string eventId, string platform, int refusals, int? status);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Feed pump {Sink}/{Platform} could not reach storage: {Error}")]
    public static partial void PumpUnreachable(ILogger logger, string sink, string platform, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Feed pump {Sink}/{Platform} held by this instance from position {Through}")]
    public static partial void PumpHeld(ILogger logger, string sink, string platform, long through);
}
