using System.Diagnostics;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Applications;

/// <summary>
/// What a step on an application asks for: the timeline entries it records (an attempt, a failure, an operator's action),
/// the status the hub itself observed (a receipt, an instant answer), and when its hand-off message is visible again.
/// </summary>
internal sealed class StatusChange
{
    public List<TimelineEntity> Entries { get; } = [];

    /// <summary>The hand-off message was (re)sent to become visible at this time.</summary>
    public DateTimeOffset? HandoffVisibleAt { get; set; }

    internal (ApplicationStatus To, string? Reason, string Source)? Move { get; private set; }

    /// <summary>A status the hub itself observed; applied after the entries, and only when the status machine allows it.</summary>
    public StatusChange MoveTo(ApplicationStatus to, string? reason, string source)
    {
        Move = (to, reason, source);
        return this;
    }

    public StatusChange With(params TimelineEntity[] entries)
    {
        Entries.AddRange(entries);
        return this;
    }

    public static StatusChange Of(params TimelineEntity[] entries) => new StatusChange().With(entries);
}

/// <summary>
/// The one status path: every status step, from the dispatcher (an attempt's outcome), from every department report
/// (公安 notifications, 房管 webhooks and reconciliation, 人社 polls) and from operators (replay, resolve), is judged here
/// by the <see cref="StatusMachine"/> and written by <see cref="ApplicationStore.StepAsync"/> in one transaction, which
/// also publishes its events and keeps the counters and index rows; the follow-up question is scheduled here, because
/// only here is known which department is asked and how often.
/// </summary>
internal sealed class StatusPath(
    ApplicationStore store, Lookups lookups, IEnumerable<IDepartmentStatusQuery> queries, TimeProvider time, ILogger<StatusPath> logger, HubMetrics metrics)
    : IDepartmentStatusSink
{
    /// <summary>A department's later report, applied idempotently (by its event key) and in order (stale ones are kept, not applied).</summary>
    public async Task<ReportOutcome> ApplyAsync(DepartmentStatusReport report, CancellationToken cancellationToken)
    {
        // Telemetry hook (issue 14): the report is a span in the application's own trace, linked to the request that brought it.
        Activity? span = null;
        try
        {
            var outcome = await ApplyAsync(report, application => span ??= StartReportSpan(report, application), cancellationToken);
            span?.SetTag(HubTelemetry.OutcomeTag, outcome.ToString());
            metrics.Reported(report.Department, report.Status.ToString(), outcome.ToString());
            return outcome;
        }
        finally
        {
            span?.Dispose();
        }
    }

    // Started inside the store's step, once the application (and so its trace) is known: the step reads it anyway (or has
    // it cached), so the span costs no storage call. The span is current for the rest of the step (its entries and writes).
    private static Activity? StartReportSpan(DepartmentStatusReport report, ApplicationEntity application)
    {
        var span = HubTelemetry.StartInApplicationTrace($"report {report.Department}", application.TraceParent, application.PartitionKey);
        span?.SetTag(HubTelemetry.DepartmentTag, report.Department);
        span?.SetTag("hub.status", report.Status.ToString());
        return span;
    }

    private async Task<ReportOutcome> ApplyAsync(DepartmentStatusReport report, Func<ApplicationEntity, Activity?> trace, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.BeginUnlessScoped("report");
        var applicationId = report.HandoffKey;
        if (applicationId is null && report.CaseNumber is { } caseNumber)
        {
            applicationId = await lookups.ByCaseNumberAsync(caseNumber, [report.Department], cancellationToken) is [var found, ..] ? found : null;
        }

        var outcome = ReportOutcome.UnknownApplication;
        var result = applicationId is null ? StepResult.Missing : await StepAsync(applicationId, Decide, report.EventKey, true, cancellationToken);
        if (result.Outcome == StepOutcome.Missing && report.HandoffKey is not null && report.CaseNumber is { } byCase
            && await lookups.ByCaseNumberAsync(byCase, [report.Department], cancellationToken) is [var known, ..])
        {
            // Assumption: after a supplement or withdrawal a department may echo that request's key (公安's BZTJ carries a
            // new LSH) instead of the application's; the case number still finds the application (one more read, only then).
            result = await StepAsync(known, Decide, report.EventKey, true, cancellationToken);
        }

        (StatusChange, bool)? Decide(ApplicationEntity application)
        {
            trace(application);
            if (application.Department != report.Department)
            {
                outcome = ReportOutcome.UnknownApplication;
                return null;
            }

            var from = application.Status;
            var verdict = StatusMachine.Judge(from, application.LastReportAt, report.Status, report.OccurredAt);
            if (verdict == TransitionVerdict.Duplicate)
            {
                outcome = ReportOutcome.Duplicate;
                return null;
            }

            application.CaseNumber ??= report.CaseNumber;
            var entry = StatusChanges.Entry(from, report.Status, report.Reason, $"{report.Department} {report.DepartmentCode}", time.GetUtcNow())
                .WithCalls(report.Calls);
            entry.EventKey = report.EventKey;
            entry.DepartmentCode = report.DepartmentCode;
            entry.CaseNumber = report.CaseNumber;
            if (verdict != TransitionVerdict.Apply)
            {
                // Kept on the timeline so operators see what the department said, but the status stands.
                outcome = ReportOutcome.Stale;
                entry.Kind = "status-ignored";
                entry.Summary = $"Ignored {verdict.ToString().ToLowerInvariant()} report {report.Status} (now {from}) from {report.Department}";
                entry.Status = from;
                return (StatusChange.Of(entry), false);
            }

            outcome = ReportOutcome.Applied;
            if (report.Status == ApplicationStatus.SupplementRequired)
            {
                // Issue 11: what the 补正 asks for, kept with the application so its status can say it in the resident's terms.
                application.SupplementWanted = string.Join(',', report.MissingMaterials);
                application.SupplementNote = report.Reason;
            }

            application.Status = report.Status;
            application.Reason = report.Reason ?? application.Reason;
            application.LastReportAt = report.OccurredAt;
            StatusChanges.CloseIfFinal(application, report.Status, entry.At);
            return (StatusChange.Of(entry), true);
        }

        switch (result.Outcome)
        {
            case StepOutcome.Missing:
                ApplicationsLog.ReportForUnknown(logger, report.Department, report.Status);
                return ReportOutcome.UnknownApplication;
            case StepOutcome.Duplicate:
                return ReportOutcome.Duplicate;
            default:
                if (outcome == ReportOutcome.UnknownApplication)
                {
                    ApplicationsLog.ReportForOtherDepartment(logger, report.Department, report.Status);
                }

                return outcome;
        }
    }

    /// <summary>
    /// Any other step: an attempt's outcome, a failed hand-off, an operator's replay or resolve, a note. With
    /// <paramref name="writeBehind"/> its effects are written after it returns (<see cref="ApplicationStore.StepAsync"/>).
    /// </summary>
    public Task<StepResult> ChangeAsync(string applicationId, Func<ApplicationEntity, StatusChange?> change, CancellationToken cancellationToken, bool writeBehind = false) =>
        StepAsync(applicationId, application => change(application) is { } c ? (c, false) : null, null, writeBehind, cancellationToken);

    /// <summary>
    /// A delivered case the hub asks about has its follow-up row (a duplicate message found one a crash may have lost:
    /// asking again a little early is harmless, never asking is not).
    /// </summary>
    public async Task EnsureFollowUpAsync(ApplicationEntity application, FollowUpStore followUps)
    {
        if (QueryFor(application.Department) is { } query && application.CaseNumber is not null
            && !StatusMachine.IsFinal(application.Status))
        {
            await followUps.ScheduleAsync(application.Department, application.PartitionKey, time.GetUtcNow() + query.Interval);
        }
    }

    public IDepartmentStatusQuery? QueryFor(string department) => queries.FirstOrDefault(q => q.Department == department);

    private Task<StepResult> StepAsync(
        string applicationId, Func<ApplicationEntity, (StatusChange Change, bool News)?> decide, string? reportKey, bool writeBehind, CancellationToken cancellationToken) =>
        store.StepAsync(applicationId, application =>
        {
            var before = application.Copy();
            var decided = decide(application);
            if (decided is null)
            {
                return null;
            }

            var (change, news) = decided.Value;
            var entries = new List<TimelineEntity>(change.Entries);
            if (change.Move is { } move)
            {
                entries.AddRange(StatusChanges.Move(application, move.To, move.Reason, move.Source, time));
            }

            return new StepPlan { Entries = entries, HandoffVisibleAt = change.HandoffVisibleAt, FollowUpDueAt = FollowUp(before, application, news) };
        }, cancellationToken, reportKey, writeBehind);

    // When the hub next asks about the case: a full interval after it was delivered or after news; "now" when it became
    // final, so the poller writes down the queries it has not yet and ends it; unchanged otherwise.
    private DateTimeOffset? FollowUp(ApplicationEntity before, ApplicationEntity after, bool news)
    {
        if (QueryFor(after.Department) is not { } query || after.CaseNumber is null || after.Handoff != HandoffState.Delivered)
        {
            return null;
        }

        var followed = before.Handoff == HandoffState.Delivered && before.CaseNumber is not null
            && !StatusMachine.IsFinal(before.Status);
        if (StatusMachine.IsFinal(after.Status))
        {
            return followed ? time.GetUtcNow() : null;
        }

        return !followed || news ? time.GetUtcNow() + query.Interval : null;
    }
}

/// <summary>Status steps on an application, always through the <see cref="StatusMachine"/>.</summary>
internal static class StatusChanges
{
    /// <summary>A change the hub itself observed (a receipt, an instant answer): applied only when legal.</summary>
    public static IEnumerable<TimelineEntity> Move(ApplicationEntity application, ApplicationStatus to, string? reason, string source, TimeProvider time)
    {
        var from = application.Status;
        if (!StatusMachine.CanMove(from, to))
        {
            yield break;
        }

        application.Status = to;
        application.Reason = reason ?? application.Reason;
        CloseIfFinal(application, to, time.GetUtcNow());
        yield return Entry(from, to, reason, source, time.GetUtcNow());
    }

    /// <summary>A final status starts the retention clock of the application's personal data (once).</summary>
    public static void CloseIfFinal(ApplicationEntity application, ApplicationStatus status, DateTimeOffset at)
    {
        if (StatusMachine.IsFinal(status))
        {
            application.ClosedAt ??= at;
        }
    }

    public static TimelineEntity Entry(ApplicationStatus from, ApplicationStatus to, string? reason, string source, DateTimeOffset at) => new()
    {
        Kind = "status",
        Summary = $"{from} → {to} ({source}){(reason is null ? "" : ": " + reason)}",
        Status = to,
        PreviousStatus = from,
        DepartmentMessage = reason,
        At = at,
        // Telemetry hook (issue 14): every status entry names the trace it was made in (the application's, see StatusPath).
        TraceId = Activity.Current?.TraceId.ToString(),
    };
}
