using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Handoff;
using IntegrationHub.Departments;
using IntegrationHub.Portal;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Telemetry;

/// <summary>
/// The hub's one meter (<see cref="HubTelemetry.Name"/>). Every instrument and attribute is listed in docs/telemetry.md
/// with the reason it carries no personal data: attributes are department and item codes, outcome names, queue and
/// platform names from configuration — never an application's content.
/// </summary>
internal sealed class HubMetrics
{
    private readonly Counter<long> _intake;
    private readonly Histogram<double> _handoff;
    private readonly Counter<long> _answers;
    private readonly Counter<long> _reports;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _webhookLag;
    private readonly Counter<long> _breaches;
    private readonly IOptions<PortalOptions> _portal;
    private readonly ConcurrentDictionary<string, QueueSample> _queues = new(StringComparer.Ordinal);

    public HubMetrics(IMeterFactory meters, CircuitStates circuits, ServiceCatalog catalog, IOptions<PortalOptions> portal)
    {
        _portal = portal;
        var meter = meters.Create(HubTelemetry.Name);
        _intake = meter.CreateCounter<long>("hub.intake.applications", "{application}", "Submissions answered, by item and outcome.");
        _handoff = meter.CreateHistogram<double>("hub.handoff.duration", "s", "From the dispatcher taking a message to the department's answer, per department and item.");
        _answers = meter.CreateCounter<long>("hub.department.answers", "{answer}", "Department answers to deliveries, by outcome class.");
        _reports = meter.CreateCounter<long>("hub.department.reports", "{report}", "Later department reports (notifications, webhooks, polls), by status and what the hub did with them.");
        _retries = meter.CreateCounter<long>("hub.handoff.retries", "{retry}", "Deliveries scheduled again after a transient failure.");
        _webhookLag = meter.CreateHistogram<double>("hub.webhook.lag", "s", "From a status change to the platform's 2xx for its webhook.");
        _breaches = meter.CreateCounter<long>("hub.acknowledgement.breaches", "{application}", "First department acknowledgements that came later than the 24-hour rule (Portal:UnacknowledgedAfter).");
        var names = catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Department).Distinct().ToArray();
        meter.CreateObservableGauge("hub.department.circuit.open",
            () => names.Select(d => new Measurement<int>(circuits.IsOpen(d) ? 1 : 0, new KeyValuePair<string, object?>(HubTelemetry.DepartmentTag, d))),
            "{circuit}", "1 while the department's circuit breaker is open.");
        meter.CreateObservableGauge("hub.queue.depth",
            () => _queues.Select(q => new Measurement<long>(q.Value.Depth, new KeyValuePair<string, object?>("hub.queue", q.Key))),
            "{message}", "Approximate number of messages in each queue, as last sampled.");
        meter.CreateObservableGauge("hub.queue.oldest_age",
            () => _queues.Select(q => new Measurement<double>(q.Value.OldestAge.TotalSeconds, new KeyValuePair<string, object?>("hub.queue", q.Key))),
            "s", "Age of the oldest visible message of each queue, as last sampled.");
    }

    public void Intake(string outcome, string? itemCode, string? department) =>
        _intake.Add(1, Tag(HubTelemetry.OutcomeTag, outcome), Tag(HubTelemetry.ItemTag, itemCode ?? "none"), Tag(HubTelemetry.DepartmentTag, department ?? "none"));

    /// <summary>One hand-off attempt, recorded after its outcome was committed to <paramref name="application"/>.</summary>
    public void Delivered(ApplicationEntity application, string outcome, TimeSpan duration)
    {
        var department = Tag(HubTelemetry.DepartmentTag, application.Department);
        _handoff.Record(duration.TotalSeconds, department, Tag(HubTelemetry.ItemTag, application.ItemCode), Tag(HubTelemetry.OutcomeTag, outcome));
        _answers.Add(1, department, Tag(HubTelemetry.OutcomeTag, outcome));
        if (application.Handoff == HandoffState.Retrying)
        {
            _retries.Add(1, department);
        }

        // Assumption: the 24-hour rule is broken when the department's first acknowledgement (its receipt or instant answer,
        // which sets DeliveredAt) comes later than Portal:UnacknowledgedAfter; applications still waiting are the portal's
        // unacknowledged list, and the oldest-message age shows a backlog before it breaks the rule.
        if (outcome is nameof(HandoffOutcomeKind.Received) or nameof(HandoffOutcomeKind.Completed) or nameof(HandoffOutcomeKind.Rejected)
            && application.DeliveredAt - application.SubmittedAt > _portal.Value.UnacknowledgedAfter)
        {
            _breaches.Add(1, department);
        }
    }

    public void Reported(string department, string status, string outcome) =>
        _reports.Add(1, Tag(HubTelemetry.DepartmentTag, department), Tag("hub.status", status), Tag(HubTelemetry.OutcomeTag, outcome));

    public void WebhookDelivered(string platform, TimeSpan lag) => _webhookLag.Record(Math.Max(0, lag.TotalSeconds), Tag("hub.platform", platform));

    public void AcknowledgedLate(string department) => _breaches.Add(1, Tag(HubTelemetry.DepartmentTag, department));

    public void QueueSampled(string queue, long depth, TimeSpan oldestAge) => _queues[queue] = new QueueSample(depth, oldestAge);

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private readonly record struct QueueSample(long Depth, TimeSpan OldestAge);
}
