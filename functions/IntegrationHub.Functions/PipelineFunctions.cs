using IntegrationHub.Handoff;
using IntegrationHub.Events;
using IntegrationHub.Privacy;
using IntegrationHub.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>
/// The hand-off pipeline on Storage queues. Exceptions escape on purpose: the Functions host retries the
/// message and after host.json's maxDequeueCount moves it to the poison queue (<c>handoffs-poison</c>).
/// </summary>
/// <remarks>
/// Queue names and schedules are app-setting expressions over the settings the library reads (Storage:QueueName,
/// Handoff:SweepSchedule, …), so both hosts run on one configuration; the host resolves them at indexing, which needs
/// every setting present (infra/modules/functionapp.bicep, local.settings.json). Hosts/TriggerParityTests checks the
/// generated functions.metadata against the local host's workers.
/// </remarks>
internal sealed class PipelineFunctions(
    HandoffDispatcher dispatcher, FeedPumps pumps, StrandedSweep sweep, StatusFollowUps followUps, PersonalDataRetention retention,
    QueueProbe queues)
{
    [Function(nameof(HandOff))]
    public Task HandOff([QueueTrigger("%Storage:QueueName%", Connection = "Storage")] string message, CancellationToken cancellationToken) =>
        dispatcher.HandleAsync(message, cancellationToken);

    [Function(nameof(FailPoisonedHandoff))]
    public Task FailPoisonedHandoff([QueueTrigger("%Storage:QueueName%-poison", Connection = "Storage")] string message, CancellationToken cancellationToken) =>
        dispatcher.HandlePoisonAsync(message, cancellationToken);

    /// <summary>
    /// The feed pumps run in the worker (a hosted service) and deliver what this instance commits at once; every 30
    /// seconds (by default) they also look for events other instances committed, so a worker that was idle catches up.
    /// </summary>
    [Function(nameof(DeliverPlatformEvents))]
    public void DeliverPlatformEvents([TimerTrigger("%Events:Pump:NudgeSchedule%")] TimerInfo timer) => pumps.Nudge();

    [Function(nameof(SweepStranded))]
    public Task SweepStranded([TimerTrigger("%Handoff:SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.RunAsync(cancellationToken);

    [Function(nameof(AskDepartments))]
    public Task AskDepartments([TimerTrigger("%Handoff:FollowUpSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        followUps.RunAsync(cancellationToken);

    /// <summary>Every five minutes by default: erases the personal data of applications closed longer than the retention period ago.</summary>
    [Function(nameof(ErasePersonalData))]
    public Task ErasePersonalData([TimerTrigger("%Security:Retention:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);

    /// <summary>Every minute by default: the queue depth and oldest-message gauges (docs/telemetry.md), four storage calls.</summary>
    [Function(nameof(SampleQueues))]
    public Task SampleQueues([TimerTrigger("%Telemetry:QueueSampleSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        queues.SampleAsync(cancellationToken);
}
