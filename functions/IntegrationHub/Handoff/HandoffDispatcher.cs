using System.Diagnostics;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Handoff;

/// <summary>
/// Takes one hand-off message, delivers the application through its department's adapter and records
/// the attempt. Unexpected exceptions escape on purpose: the queue retries them and, past the dequeue
/// limit, moves the message to the poison queue, where <see cref="HandlePoisonAsync"/> records a failed hand-off.
/// </summary>
internal sealed class HandoffDispatcher(
    ApplicationStore store,
    StatusPath statusPath,
    HandoffQueue queue,
    WorkIndex work,
    FollowUpStore followUps,
    PersonalData personalData,
    PayloadMasker masker,
    IEnumerable<IDepartmentAdapter> adapters,
    DepartmentHolds holds,
    IOptions<HandoffOptions> options,
    TimeProvider time,
    ILogger<HandoffDispatcher> logger,
    HubMetrics metrics)
{
    private readonly Dictionary<string, IDepartmentAdapter> _adapters = adapters.ToDictionary(a => a.Department);

    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.BeginUnlessScoped("dispatch");
        var message = HandoffQueue.Parse(messageText);
        var application = await store.FindAsync(message.ApplicationId, cancellationToken);
        if (application is null)
        {
            HandoffLog.UnknownApplication(logger, message.ApplicationId);
            return;
        }

        var handoff = application.Handoff;
        if (handoff is HandoffState.Delivered or HandoffState.Resolved || (handoff == HandoffState.Failed && message.ReplayOf is null))
        {
            // A duplicate message (sweep, redelivery) for work that has already ended. A crash between recording a
            // receipt and scheduling its follow-up leaves a polled case that nobody asks about: schedule it again.
            if (handoff == HandoffState.Delivered)
            {
                await statusPath.EnsureFollowUpAsync(application, followUps);
            }

            await work.ClearPendingAsync(application.PartitionKey);
            return;
        }

        if (application.ErasedAt is not null)
        {
            await FailErasedAsync(application.PartitionKey, cancellationToken);
            return;
        }

        var canonical = personalData.ToCanonical(application);
        // Telemetry hook (issue 14): one span per delivery, in the trace the message (or the intake) carried.
        using var activity = HubTelemetry.StartInApplicationTrace($"handoff {application.Department}", message.TraceParent ?? application.TraceParent,
            application.PartitionKey, ActivityKind.Consumer);
        activity?.SetTag(HubTelemetry.DepartmentTag, application.Department);
        activity?.SetTag(HubTelemetry.ItemTag, application.ItemCode);
        if (!_adapters.TryGetValue(application.Department, out var adapter))
        {
            await Record(canonical, application.Department, message, new HandoffOutcome(HandoffOutcomeKind.ConfigurationFault,
                DepartmentMessage: $"No adapter is configured for department {application.Department}."), TimeSpan.Zero, cancellationToken);
            return;
        }

        var started = time.GetTimestamp();
        var outcome = await adapter.HandOffAsync(canonical, cancellationToken);
        activity?.SetTag(HubTelemetry.OutcomeTag, outcome.Kind.ToString());
        await Record(canonical, application.Department, message, outcome, time.GetElapsedTime(started), cancellationToken);
    }

    /// <summary>A message that kept failing unexpectedly: the hand-off is failed, visibly, never dropped.</summary>
    public async Task HandlePoisonAsync(string messageText, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.BeginUnlessScoped("dispatch");
        var message = HandoffQueue.Parse(messageText);
        await statusPath.ChangeAsync(message.ApplicationId, application =>
        {
            if (application.Handoff is HandoffState.Delivered or HandoffState.Resolved or HandoffState.Failed)
            {
                return null;
            }

            application.Handoff = HandoffState.Failed;
            application.LastFailedAt = time.GetUtcNow();
            return StatusChange.Of(new TimelineEntity
            {
                Kind = "handoff-failed",
                Summary = $"Hand-off failed {options.Value.MaxDequeueCount} times with an unexpected error; moved to the poison queue",
                Outcome = "Poison",
            });
        }, cancellationToken);
        HandoffLog.Poisoned(logger, message.ApplicationId);
    }

    // A replay of an application whose personal data retention already erased: nothing is left to deliver.
    private async Task FailErasedAsync(string applicationId, CancellationToken cancellationToken) =>
        await statusPath.ChangeAsync(applicationId, application =>
        {
            application.Handoff = HandoffState.Failed;
            application.LastFailedAt = time.GetUtcNow();
            return StatusChange.Of(new TimelineEntity { Kind = "handoff-failed", Summary = "Not delivered: the personal data was erased (retention)", Outcome = "Erased" });
        }, cancellationToken);

    private async Task Record(
        CanonicalApplication canonical, string department, HandoffMessage message, HandoffOutcome outcome, TimeSpan duration, CancellationToken cancellationToken)
    {
        // Whatever this outcome says, the next try waits while the department is held: another delivery or a status
        // query may have been told to wait longer.
        var hold = await holds.RemainingAsync(department, cancellationToken);
        TimeSpan? retryIn = null;
        var result = await statusPath.ChangeAsync(canonical.ApplicationId, application =>
        {
            retryIn = null;
            var change = StatusChange.Of(AttemptEntry(message, outcome, duration, application));
            application.LastAttempt = application.TimelineCount + 1;
            if (message.ReplayOf is not null)
            {
                application.FailedAttempts = 0;
            }

            switch (outcome.Kind)
            {
                case HandoffOutcomeKind.Received:
                    Delivered(application, outcome);
                    change.MoveTo(ApplicationStatus.Delivered, outcome.DepartmentMessage, "department receipt");
                    break;
                case HandoffOutcomeKind.Completed:
                case HandoffOutcomeKind.Rejected:
                    Delivered(application, outcome);
                    personalData.SealResult(application, outcome.Result);
                    var final = outcome.Status ?? (outcome.Kind == HandoffOutcomeKind.Rejected ? ApplicationStatus.Rejected : ApplicationStatus.Approved);
                    change.MoveTo(final, outcome.DepartmentMessage, "department answer");
                    break;
                case HandoffOutcomeKind.Invalid:
                case HandoffOutcomeKind.ConfigurationFault:
                    application.Handoff = HandoffState.Failed;
                    application.LastFailedAt = time.GetUtcNow();
                    change.Entries.Add(new TimelineEntity { Kind = "handoff-failed", Summary = $"Hand-off failed permanently: {outcome.Kind}", Outcome = outcome.Kind.ToString() });
                    break;
                case HandoffOutcomeKind.Held:
                    application.Handoff = HandoffState.Held;
                    retryIn = Promised(Max(hold, outcome.RetryAfter ?? options.Value.RetryBaseDelay));
                    break;
                default:
                    application.FailedAttempts++;
                    if (application.FailedAttempts >= options.Value.MaxAttempts)
                    {
                        application.Handoff = HandoffState.Failed;
                        application.LastFailedAt = time.GetUtcNow();
                        change.Entries.Add(new TimelineEntity { Kind = "handoff-failed", Summary = $"Hand-off failed {application.FailedAttempts} times; retry budget used up", Outcome = outcome.Kind.ToString() });
                    }
                    else
                    {
                        application.Handoff = HandoffState.Retrying;
                        var backoff = Backoff(application.FailedAttempts);
                        var promised = Max(hold, outcome.RetryAfter ?? TimeSpan.Zero);
                        retryIn = promised > backoff ? Promised(promised) : backoff;
                    }

                    break;
            }

            // The pending row says when the next try's message becomes visible, so the sweep leaves it alone until then.
            change.HandoffVisibleAt = retryIn is { } wait ? time.GetUtcNow() + wait : null;
            return change;
        }, cancellationToken);

        if (result.Outcome != StepOutcome.Committed)
        {
            return;
        }

        if (retryIn is { } delay)
        {
            await queue.SendAsync(message with { ReplayOf = null }, delay, cancellationToken);
        }

        var committed = result.Application!;
        metrics.Delivered(committed, outcome.Kind.ToString(), duration);
        HandoffLog.Attempted(logger, canonical.ApplicationId, committed.Department, outcome.Kind, outcome.DepartmentCode, (long)duration.TotalMilliseconds);
    }

    private TimelineEntity AttemptEntry(HandoffMessage message, HandoffOutcome outcome, TimeSpan duration, ApplicationEntity application) => new TimelineEntity
    {
        Kind = "attempt",
        Summary = message.ReplayOf is { } of
            ? $"Replay of attempt {of} by {message.ReplayedBy}: {outcome.Kind}"
            : $"Hand-off attempt to {application.Department}: {outcome.Kind}",
        Outcome = outcome.Kind.ToString(),
        DurationMs = (long)duration.TotalMilliseconds,
        DepartmentCode = outcome.DepartmentCode,
        DepartmentMessage = outcome.DepartmentMessage,
        CaseNumber = outcome.CaseNumber,
        TraceId = Activity.Current?.TraceId.ToString(),
        RequestPayload = masker.Mask(application.Department, outcome.RequestPayload),
        ResponsePayload = masker.Mask(application.Department, outcome.ResponsePayload),
        Actor = message.ReplayedBy,
    }.WithCalls(outcome.Calls);

    private void Delivered(ApplicationEntity application, HandoffOutcome outcome)
    {
        application.Handoff = HandoffState.Delivered;
        application.CaseNumber = outcome.CaseNumber ?? application.CaseNumber;
        application.DeliveredAt ??= time.GetUtcNow();
    }

    private TimeSpan Backoff(int failedAttempts)
    {
        var o = options.Value;
        var exponential = o.RetryBaseDelay * Math.Pow(2, Math.Min(failedAttempts - 1, 16));
        var capped = exponential < o.RetryMaxDelay ? exponential : o.RetryMaxDelay;

        // Full jitter on the upper half spreads retries of many applications after a department outage.
        return capped / 2 + capped / 2 * Random.Shared.NextDouble();
    }

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } x && x > b ? x : b;

    // Assumption: the queue delays a message by whole seconds (the Storage API's unit); a wait a department asked for is
    // rounded up, never down, so the message does not come back a fraction early only to be held again.
    private static TimeSpan Promised(TimeSpan wait) => TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds));
}
