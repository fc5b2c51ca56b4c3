using System.Diagnostics;
using IntegrationHub.Contracts;
using IntegrationHub.Delivery;
using IntegrationHub.Departments;
using IntegrationHub.Events;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Applications;

/// <summary>Status steps on an application, always through the <see cref="StatusMachine"/>.</summary>
public static class StatusChanges
{
    /// <summary>A change the hub itself observed (a receipt, an instant answer): applied only when legal.</summary>
    public static IEnumerable<TimelineEntity> Move(ApplicationEntity application, ApplicationStatus to, string? reason, string source, TimeProvider time)
    {
        var from = Enum.Parse<ApplicationStatus>(application.Status);
        if (!StatusMachine.CanMove(from, to))
        {
            yield break;
        }

        application.Status = to.ToString();
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
        Status = to.ToString(),
        PreviousStatus = from.ToString(),
        DepartmentMessage = reason,
        At = at,
        TraceId = Activity.Current?.TraceId.ToString(),
    };
}

/// <summary>Applies the departments' later reports (notifications, webhooks, polls) idempotently and in order.</summary>
public sealed class DepartmentReports(
    ApplicationStore store, HubTables tables, EventPublisher events, FollowUpSchedule followUps, TimeProvider time, ILogger<DepartmentReports> logger, HubMetrics metrics)
    : IDepartmentStatusSink
{
    public async Task<ReportOutcome> ApplyAsync(DepartmentStatusReport report, CancellationToken cancellationToken)
    {
        var applicationId = report.DeliveryKey ?? await FindByCase(report.Department, report.CaseNumber, cancellationToken);
        if (applicationId is null || await store.FindAsync(applicationId, cancellationToken) is not { } found || found.Department != report.Department)
        {
            logger.LogWarning("{Department} reported {Status} for an unknown application", report.Department, report.Status);
            return ReportOutcome.UnknownApplication;
        }

        // Telemetry hook (issue 14): the report is a span in the application's own trace, linked to the request that brought it.
        using var activity = HubTelemetry.StartInApplicationTrace($"report {report.Department}", found.TraceParent, applicationId);
        activity?.SetTag(HubTelemetry.DepartmentTag, report.Department);
        activity?.SetTag("hub.status", report.Status.ToString());
        var outcome = await ApplyAsync(applicationId, report, cancellationToken);
        activity?.SetTag(HubTelemetry.OutcomeTag, outcome.ToString());
        metrics.Reported(report.Department, report.Status.ToString(), outcome.ToString());
        return outcome;
    }

    private async Task<ReportOutcome> ApplyAsync(string applicationId, DepartmentStatusReport report, CancellationToken cancellationToken)
    {

        if (await store.HasEventAsync(applicationId, report.EventKey, cancellationToken))
        {
            return ReportOutcome.Duplicate;
        }

        var outcome = ReportOutcome.Duplicate;
        await events.MarkUnpublishedAsync(applicationId, cancellationToken);
        var committed = await store.UpdateAsync(applicationId, application =>
        {
            var from = Enum.Parse<ApplicationStatus>(application.Status);
            var verdict = StatusMachine.Judge(from, application.LastReportAt, report.Status, report.OccurredAt);
            application.CaseNumber ??= report.CaseNumber;
            if (verdict == TransitionVerdict.Duplicate)
            {
                outcome = ReportOutcome.Duplicate;
                return null;
            }

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
                entry.Status = from.ToString();
                return [entry];
            }

            outcome = ReportOutcome.Applied;
            application.Status = report.Status.ToString();
            application.Reason = report.Reason ?? application.Reason;
            application.LastReportAt = report.OccurredAt;
            StatusChanges.CloseIfFinal(application, report.Status, entry.At);
            return [entry];
        }, cancellationToken);

        if (committed is not null)
        {
            await events.PublishAsync(committed, cancellationToken);
            if (outcome == ReportOutcome.Applied)
            {
                // News from the department: the next question waits a full interval again, or stops when final.
                await followUps.ScheduleAsync(committed.Application, cancellationToken);
            }
        }

        return outcome;
    }

    private async Task<string?> FindByCase(string department, string? caseNumber, CancellationToken cancellationToken)
    {
        if (caseNumber is null)
        {
            return null;
        }

        var index = await tables.Index();
        var found = await index.GetEntityIfExistsAsync<IndexEntity>($"case-{department}", caseNumber, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.ApplicationId : null;
    }
}
