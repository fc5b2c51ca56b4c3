using System.Diagnostics;

namespace IntegrationHub.Telemetry;

/// <summary>
/// The hub's one trace source. An application's trace starts at intake; every later piece of work for it (the
/// dispatcher, a department's notification, webhook or polled answer) is a span in that same trace, so one trace id
/// follows the application across queues, hosts and departments. Tags carry ids and codes only (docs/telemetry.md).
/// </summary>
internal static class HubTelemetry
{
    public const string Name = "IntegrationHub";

    /// <summary>The application id: 32 hex digits of a SHA-256 over the platform and its idempotency key, which say nothing about the resident.</summary>
    public const string ApplicationIdTag = "hub.application.id";

    public const string DepartmentTag = "hub.department";

    public const string ItemTag = "hub.item";

    public const string OutcomeTag = "hub.outcome";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>
    /// A span in the application's own trace (<paramref name="traceParent"/>, the W3C context recorded at intake). The span
    /// that was current (an inbound request, a sweep) is linked, so its own trace still leads here.
    /// </summary>
    public static Activity? StartInApplicationTrace(string name, string? traceParent, string applicationId, ActivityKind kind = ActivityKind.Internal)
    {
        var current = Activity.Current;
        if (!ActivityContext.TryParse(traceParent, null, out var parent) || current?.TraceId == parent.TraceId)
        {
            // Already inside the application's trace (a poll's span around its report), or it has none: nest under the current span.
            parent = current?.Context ?? default;
        }

        ActivityLink[]? links = current is not null && current.TraceId != parent.TraceId ? [new ActivityLink(current.Context)] : null;
        return Source.StartActivity(name, kind, parent, [new(ApplicationIdTag, applicationId)], links);
    }

    /// <summary>
    /// Outside any span, one in the trace of <paramref name="traceParent"/> (the submission's), so that a department request
    /// made now carries that trace id; inside a span, nothing (the request already continues the current trace).
    /// </summary>
    public static Activity? ContinueTrace(string? traceParent) =>
        Activity.Current is null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity("department call", ActivityKind.Internal, parent)
            : null;

    /// <summary>Marks the current span (the intake request) with the application it created or found.</summary>
    public static void TagCurrent(string applicationId, string itemCode, string department)
    {
        if (Activity.Current is { } activity)
        {
            activity.SetTag(ApplicationIdTag, applicationId);
            activity.SetTag(ItemTag, itemCode);
            activity.SetTag(DepartmentTag, department);
        }
    }
}
