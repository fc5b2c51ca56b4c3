using System.Diagnostics;
using IntegrationHub.Applications;
using IntegrationHub.Departments;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Handoff;

/// <summary>
/// Asks the departments about every case that is due, applies what they say through the <see cref="StatusPath"/>, and
/// schedules the next question. Every request a question sends reaches the timeline: with the report it brought, or folded
/// into the follow-up row (<see cref="FollowUpEntity.Calls"/>) until the next entry this poller writes: such a query costs
/// no storage write of its own, because the row is rewritten after every question anyway to say when the next one is due.
/// </summary>
/// <remarks>
/// This poller is the only writer of the row's calls and the only one that removes a row; the status path only says when
/// a row is due (a merge of its due time), so no query is lost or counted twice.
/// </remarks>
internal sealed class StatusFollowUps(
    FollowUpStore followUps,
    ApplicationStore store,
    StatusPath statusPath,
    TimeProvider time,
    ILogger<StatusFollowUps> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var asked = 0;
        foreach (var due in await followUps.DueAsync(time.GetUtcNow(), cancellationToken))
        {
            var department = due.PartitionKey;
            var unwritten = DepartmentCall.FromJson(due.Calls);
            var application = await store.FindAsync(due.ApplicationId, cancellationToken);
            if (application is { CaseNumber: null })
            {
                // This instance's copy may predate the delivery another instance made (issue 16: several instances): a
                // copy can only be behind, and ending here deletes the row, so a missing case number is checked in storage.
                application = await store.ReadAsync(due.ApplicationId, cancellationToken);
            }

            if (application is null)
            {
                await followUps.EndAsync(department, due.ApplicationId);
                continue;
            }

            if (application.CaseNumber is null
                || StatusMachine.IsFinal(application.Status)
                || statusPath.QueryFor(application.Department) is not { } query)
            {
                // Settled meanwhile (a notification, a webhook): nothing more to ask.
                await EndAsync(application, unwritten, cancellationToken);
                continue;
            }

            // Telemetry hook (issue 14): the poll and the report it brings are spans in the application's trace.
            using var activity = HubTelemetry.StartInApplicationTrace($"poll {application.Department}", application.TraceParent,
                application.PartitionKey, ActivityKind.Client);
            var result = await query.QueryAsync(application.HandoffKey, application.CaseNumber, cancellationToken);
            asked++;
            unwritten = DepartmentCall.Fold(unwritten, result.Calls ?? []);
            if (result.Report is { } report)
            {
                var outcome = await statusPath.ApplyAsync(report with { Calls = unwritten }, cancellationToken);
                HandoffLog.Asked(logger, application.Department, application.PartitionKey, report.Status, outcome);

                // Applied and stale reports are written with the calls; a duplicate writes nothing, so they wait on the row.
                if (outcome is ReportOutcome.Applied or ReportOutcome.Stale)
                {
                    unwritten = [];
                }

                application = await store.FindAsync(due.ApplicationId, cancellationToken) ?? application;
            }

            if (StatusMachine.IsFinal(application.Status))
            {
                await EndAsync(application, unwritten, cancellationToken);
                continue;
            }

            await followUps.RescheduleAsync(department, application.PartitionKey, time.GetUtcNow() + (result.RetryAfter ?? query.Interval), DepartmentCall.ToJson(unwritten));
        }

        return asked;
    }

    /// <summary>No more questions: the queries not yet written down become one last timeline entry, then the row goes.</summary>
    private async Task EndAsync(ApplicationEntity application, IReadOnlyList<DepartmentCall> unwritten, CancellationToken cancellationToken)
    {
        if (unwritten.Count > 0)
        {
            var count = DepartmentCall.CountOf(unwritten);
            await statusPath.ChangeAsync(application.PartitionKey, a => StatusChange.Of(new TimelineEntity
            {
                Kind = "calls",
                Summary = $"{count} status {(count == 1 ? "query" : "queries")} to {a.Department} that brought nothing new",
            }.WithCalls(unwritten)), cancellationToken);
        }

        await followUps.EndAsync(application.Department, application.PartitionKey);
    }
}
