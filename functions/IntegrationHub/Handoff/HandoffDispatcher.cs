using System.Diagnostics;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Materials;
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
    IEnumerable<IDepartmentCaseRequests> caseRequests,
    MaterialStore materialStore,
    EnvelopeCipher cipher,
    DepartmentHolds holds,
    IOptions<HandoffOptions> options,
    TimeProvider time,
    ILogger<HandoffDispatcher> logger,
    HubMetrics metrics)
{
    private readonly Dictionary<string, IDepartmentAdapter> _adapters = adapters.ToDictionary(a => a.Department);
    private readonly Dictionary<string, IDepartmentCaseRequests> _caseRequests = caseRequests.ToDictionary(a => a.Department);

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

        if (application.CaseRequestState == CaseRequestStates.Pending && application.CaseNumber is not null)
        {
            await SendCaseRequestAsync(application, message, cancellationToken);
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

        // Issue 11: the materials first (each once: a file id already kept is not uploaded again), then the application
        // referencing them. The file ids are written with the attempt's record, so they cost no storage call of their own.
        var (uploaded, failed) = await UploadAsync(application, supplement: false, cancellationToken);
        var outcome = failed ?? await adapter.HandOffAsync(canonical with { Materials = References(uploaded) }, cancellationToken);
        outcome = failed is null ? WithUploadCalls(outcome, uploaded) : outcome;
        activity?.SetTag(HubTelemetry.OutcomeTag, outcome.Kind.ToString());
        await Record(canonical, application.Department, message, outcome, time.GetElapsedTime(started), cancellationToken, uploaded.Materials);
    }

    /// <summary>
    /// A supplement or withdrawal for a case the department has (issue 11): the supplement's materials uploaded first, then
    /// the request, with the key fixed for it (so a retry or replay is the same request to the department).
    /// </summary>
    private async Task SendCaseRequestAsync(ApplicationEntity application, HandoffMessage message, CancellationToken cancellationToken)
    {
        var canonical = new CanonicalApplication(application.PartitionKey, application.ItemCode, application.HandoffKey, application.SubmittedAt,
            null!, [], [], application.TraceParent);
        using var activity = HubTelemetry.StartInApplicationTrace($"{application.CaseRequest} {application.Department}", message.TraceParent ?? application.TraceParent,
            application.PartitionKey, ActivityKind.Consumer);
        activity?.SetTag(HubTelemetry.DepartmentTag, application.Department);
        activity?.SetTag(HubTelemetry.ItemTag, application.ItemCode);
        var started = time.GetTimestamp();
        HandoffOutcome outcome;
        var uploaded = new Uploaded([], []);
        if (!_caseRequests.TryGetValue(application.Department, out var department))
        {
            outcome = new HandoffOutcome(HandoffOutcomeKind.ConfigurationFault, DepartmentMessage: $"No case requests are configured for department {application.Department}.");
        }
        else
        {
            (uploaded, var failed) = await UploadAsync(application, supplement: true, cancellationToken);
            var text = CaseRequestsApi.OpenText(cipher, application);
            var key = RequestKey(application.PartitionKey, application.CaseRequest!);
            outcome = failed ?? (application.CaseRequest == CaseRequestsApi.Supplement
                ? await department.SupplementAsync(new SupplementRequest(application.PartitionKey, application.ItemCode, key, application.CaseNumber!, text,
                    References(uploaded), application.TraceParent), cancellationToken)
                : await department.WithdrawAsync(new WithdrawalRequest(application.PartitionKey, application.ItemCode, key, application.CaseNumber!, text,
                    application.TraceParent), cancellationToken));
            outcome = failed is null ? WithUploadCalls(outcome, uploaded) : outcome;
        }

        activity?.SetTag(HubTelemetry.OutcomeTag, outcome.Kind.ToString());
        await Record(canonical, application.Department, message, outcome, time.GetElapsedTime(started), cancellationToken, uploaded.Materials, application.CaseRequest);
    }

    /// <summary>The key of a supplement or withdrawal (LSH, request_id, trans_id): 32 hex characters, fixed by the application and the request's kind.</summary>
    internal static string RequestKey(string applicationId, string kind) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{applicationId}\n{kind}")))[..32];

    private sealed record Uploaded(IReadOnlyList<HeldMaterial> Materials, IReadOnlyList<DepartmentCall> Calls);

    /// <summary>
    /// Uploads the application's (or its supplement's) materials the department does not hold yet: one blob read and one
    /// department call each. Stops at the first that does not succeed, whose outcome becomes the attempt's; the file ids got
    /// so far are kept all the same.
    /// </summary>
    private async Task<(Uploaded Uploaded, HandoffOutcome? Failed)> UploadAsync(ApplicationEntity application, bool supplement, CancellationToken cancellationToken)
    {
        var held = ApplicationMaterials.Read(application).Where(m => m.Supplement == supplement).ToList();
        if (held.Count == 0 || held.All(m => m.DepartmentFileId is not null))
        {
            return (new Uploaded(held, []), null);
        }

        if (!_caseRequests.TryGetValue(application.Department, out var department))
        {
            return (new Uploaded([], []), new HandoffOutcome(HandoffOutcomeKind.ConfigurationFault,
                DepartmentMessage: $"No material upload is configured for department {application.Department}."));
        }

        var calls = new List<DepartmentCall>();
        for (var i = 0; i < held.Count; i++)
        {
            var material = held[i];
            if (material.DepartmentFileId is not null)
            {
                continue;
            }

            var content = await materialStore.ReadAsync(material.Id, cancellationToken);
            var answer = await department.UploadAsync(application.ItemCode, new MaterialFile(material.Code, material.MediaType, content, material.Sha256Hex), cancellationToken);
            calls.AddRange(answer.Calls ?? []);
            if (answer.Kind != HandoffOutcomeKind.Received || answer.DepartmentFileId is null)
            {
                var kind = answer.Kind == HandoffOutcomeKind.Received ? HandoffOutcomeKind.Invalid : answer.Kind;
                return (new Uploaded(held, calls), new HandoffOutcome(kind, answer.DepartmentCode,
                    $"Upload of material {material.Code}: {answer.DepartmentMessage}", RetryAfter: answer.RetryAfter, Calls: calls));
            }

            held[i] = material with { DepartmentFileId = answer.DepartmentFileId };
        }

        return (new Uploaded(held, calls), null);
    }

    private static IReadOnlyList<MaterialReference> References(Uploaded uploaded) =>
        [.. uploaded.Materials.Select(m => new MaterialReference(m.Code, m.DepartmentFileId!))];

    private static HandoffOutcome WithUploadCalls(HandoffOutcome outcome, Uploaded uploaded) =>
        uploaded.Calls.Count == 0 ? outcome : outcome with { Calls = [.. uploaded.Calls, .. outcome.Calls ?? []] };

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
        CanonicalApplication canonical, string department, HandoffMessage message, HandoffOutcome outcome, TimeSpan duration, CancellationToken cancellationToken,
        IReadOnlyList<HeldMaterial>? uploaded = null, string? caseRequest = null)
    {
        // Whatever this outcome says, the next try waits while the department is held: another delivery or a status
        // query may have been told to wait longer.
        var hold = await holds.RemainingAsync(department, cancellationToken);
        TimeSpan? retryIn = null;
        var result = await statusPath.ChangeAsync(canonical.ApplicationId, application =>
        {
            retryIn = null;
            var change = StatusChange.Of(AttemptEntry(message, outcome, duration, application, caseRequest));
            application.LastAttempt = application.TimelineCount + 1;
            KeepFileIds(application, uploaded);
            if (message.ReplayOf is not null)
            {
                application.FailedAttempts = 0;
            }

            switch (outcome.Kind)
            {
                case HandoffOutcomeKind.Received or HandoffOutcomeKind.Completed or HandoffOutcomeKind.Conflict or HandoffOutcomeKind.Rejected when caseRequest is not null:
                    // The department took the supplement or withdrawal, or refused it for the case's state: either way the
                    // request has its answer (a Conflict is recorded, never a failed hand-off); the status comes from its reports.
                    application.Handoff = HandoffState.Delivered;
                    var taken = outcome.Kind is HandoffOutcomeKind.Received or HandoffOutcomeKind.Completed;
                    application.CaseRequestState = taken ? CaseRequestStates.Delivered : CaseRequestStates.Conflict;
                    change.Entries.Add(new TimelineEntity
                    {
                        Kind = taken ? $"{caseRequest}-delivered" : $"{caseRequest}-conflict",
                        Summary = taken
                            ? $"{department} took the {caseRequest}"
                            : $"{department} refused the {caseRequest} for the case's state ({outcome.DepartmentCode}): {outcome.DepartmentMessage}",
                        Outcome = taken ? CaseRequestStates.Delivered : CaseRequestStates.Conflict,
                        DepartmentCode = outcome.DepartmentCode,
                        DepartmentMessage = outcome.DepartmentMessage,
                    });
                    break;
                case HandoffOutcomeKind.Received:
                    Delivered(application, outcome);
                    change.MoveTo(ApplicationStatus.Delivered, outcome.DepartmentMessage, "department receipt");
                    if (application.CaseRequestState == CaseRequestStates.Cancelled)
                    {
                        // Withdrawn while this attempt was on its way: the department has the case after all, so it is told.
                        application.CaseRequestState = CaseRequestStates.Pending;
                        application.Handoff = HandoffState.Waiting;
                        retryIn = TimeSpan.Zero;
                    }

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
                case HandoffOutcomeKind.Conflict:
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

            if (caseRequest is null && application.CaseRequestState == CaseRequestStates.Cancelled
                && outcome.Kind is not (HandoffOutcomeKind.Received or HandoffOutcomeKind.Completed or HandoffOutcomeKind.Rejected))
            {
                // The resident withdrew while this attempt was on its way and the department has no case: it stays cancelled.
                application.Handoff = HandoffState.Resolved;
                retryIn = null;
                change.Entries.RemoveAll(e => e.Kind == "handoff-failed");
            }

            // The pending row says when the next try's message becomes visible, so the sweep leaves it alone until then.
            change.HandoffVisibleAt = retryIn is { } wait ? time.GetUtcNow() + wait : null;
            return change;
        }, cancellationToken, writeBehind: true);

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

    // The department's file ids learnt by this attempt, kept whatever its outcome, so no later attempt uploads them again.
    private static void KeepFileIds(ApplicationEntity application, IReadOnlyList<HeldMaterial>? uploaded)
    {
        if (uploaded is not { Count: > 0 })
        {
            return;
        }

        ApplicationMaterials.Write(application, ApplicationMaterials.Read(application).Select(m =>
            m.DepartmentFileId is null && uploaded.FirstOrDefault(u => u.Id == m.Id && u.Supplement == m.Supplement) is { DepartmentFileId: { } fileId }
                ? m with { DepartmentFileId = fileId }
                : m));
    }

    private TimelineEntity AttemptEntry(HandoffMessage message, HandoffOutcome outcome, TimeSpan duration, ApplicationEntity application, string? caseRequest) => new TimelineEntity
    {
        Kind = "attempt",
        Summary = message.ReplayOf is { } of
            ? $"Replay of attempt {of} by {message.ReplayedBy}: {outcome.Kind}"
            : caseRequest is not null
                ? $"{char.ToUpperInvariant(caseRequest[0])}{caseRequest[1..]} to {application.Department}: {outcome.Kind}"
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
