using IntegrationHub.Handoff;
using IntegrationHub.Events;
using IntegrationHub.Privacy;
using IntegrationHub.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>
/// The hand-off pipeline on Storage queues. Exceptions escape on purpose: the Functions host retries the
/// message and after host.json's maxDequeueCount moves it to <c>handoffs-poison</c>.
/// </summary>
public sealed class PipelineFunctions(
    HandoffDispatcher dispatcher, FeedPumps pumps, StrandedSweep sweep, StatusFollowUps followUps, PersonalDataRetention retention,
    QueueProbe queues)
{
    [Function(nameof(HandOff))]
    public Task HandOff([QueueTrigger("handoffs", Connection = "Storage")] string message, CancellationToken cancellationToken) =>
        dispatcher.HandleAsync(message, cancellationToken);

    [Function(nameof(FailPoisonedHandoff))]
    public Task FailPoisonedHandoff([QueueTrigger("handoffs-poison", Connection = "Storage")] string message, CancellationToken cancellationToken) =>
        dispatcher.HandlePoisonAsync(message, cancellationToken);

    /// <summary>
    /// The feed pumps run in the worker (a hosted service) and deliver what this instance commits at once; every 30
    /// seconds they also look for events other instances committed, so a worker that was idle catches up.
    /// </summary>
    [Function(nameof(DeliverPlatformEvents))]
    public void DeliverPlatformEvents([TimerTrigger("*/30 * * * * *")] TimerInfo timer) => pumps.Nudge();

    [Function(nameof(SweepStranded))]
    public Task SweepStranded([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.RunAsync(cancellationToken);

    [Function(nameof(AskDepartments))]
    public Task AskDepartments([TimerTrigger("30 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        followUps.RunAsync(cancellationToken);

    /// <summary>Every five minutes: erases the personal data of applications closed longer than the retention period ago.</summary>
    [Function(nameof(ErasePersonalData))]
    public Task ErasePersonalData([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);

    /// <summary>Every minute: the queue depth and oldest-message gauges (docs/telemetry.md), four storage calls.</summary>
    [Function(nameof(SampleQueues))]
    public Task SampleQueues([TimerTrigger("15 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        queues.SampleAsync(cancellationToken);
}
