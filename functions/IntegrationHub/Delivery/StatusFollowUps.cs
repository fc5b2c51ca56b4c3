using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Delivery;

/// <summary>
/// When the hub next asks a department about a delivered case: one row per case in the index
/// (<c>followup</c>), due <see cref="IDepartmentStatusQuery.Interval"/> after delivery or after the last news,
/// gone once the case is final. Departments without a status query (公安 notifies) get no row.
/// </summary>
/// <remarks>
/// The row also carries the status queries that brought nothing new and are not on the timeline yet
/// (<see cref="IndexEntity.Calls"/>, folded by answer): such a query costs no storage write of its own, because the row
/// is rewritten after every question anyway to say when the next one is due. The queries reach the timeline with the
/// next entry <see cref="StatusFollowUps"/> writes: the report a later question brings, or a last <c>calls</c> entry when
/// the case ends. <see cref="StatusFollowUps"/> is the only writer of that column and the only one that removes a row;
/// everything else only says when the row is due (a merge of <c>DueAt</c>), so no query is lost or counted twice.
/// </remarks>
public sealed class FollowUpSchedule(HubTables tables, ApplicationStore store, IEnumerable<IDepartmentStatusQuery> queries, TimeProvider time)
{
    public const string Partition = "followup";

    public IDepartmentStatusQuery? QueryFor(string department) => queries.FirstOrDefault(q => q.Department == department);

    /// <summary>
    /// The next question about <paramref name="application"/> is due <paramref name="after"/> from now (default: the
    /// department's interval). A final case is made due now, so the poller writes down its last queries and ends it.
    /// </summary>
    public async Task ScheduleAsync(ApplicationEntity application, CancellationToken cancellationToken, TimeSpan? after = null)
    {
        if (QueryFor(application.Department) is not { } query || application.CaseNumber is null)
        {
            return;
        }

        var dueAt = StatusMachine.IsFinal(Enum.Parse<ApplicationStatus>(application.Status))
            ? time.GetUtcNow()
            : time.GetUtcNow() + (after ?? query.Interval);

        // A merge of these two properties only: the queries the poller has not written down yet stay on the row.
        var index = await tables.Index();
        await index.UpsertEntityAsync(new TableEntity(Partition, application.PartitionKey)
        {
            [nameof(IndexEntity.ApplicationId)] = application.PartitionKey,
            [nameof(IndexEntity.DueAt)] = dueAt,
        }, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The status queries about <paramref name="applicationId"/> that are not on its timeline yet.</summary>
    public async Task<IReadOnlyList<DepartmentCall>> UnwrittenCallsAsync(string applicationId, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        var row = await index.GetEntityIfExistsAsync<IndexEntity>(Partition, applicationId, cancellationToken: cancellationToken);
        return row.HasValue ? DepartmentCall.FromJson(row.Value!.Calls) : [];
    }

    /// <summary>The poller's own rescheduling: when to ask next, and the queries still to be written down.</summary>
    internal async Task RescheduleAsync(ApplicationEntity application, TimeSpan? after, IReadOnlyList<DepartmentCall> unwritten, CancellationToken cancellationToken)
    {
        if (QueryFor(application.Department) is not { } query
            || application.CaseNumber is null
            || StatusMachine.IsFinal(Enum.Parse<ApplicationStatus>(application.Status)))
        {
            await EndAsync(application.PartitionKey, unwritten, cancellationToken);
            return;
        }

        var index = await tables.Index();
        await index.UpsertEntityAsync(new IndexEntity
        {
            PartitionKey = Partition,
            RowKey = application.PartitionKey,
            ApplicationId = application.PartitionKey,
            DueAt = time.GetUtcNow() + (after ?? query.Interval),
            Calls = DepartmentCall.ToJson(unwritten),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>No more questions: the queries not yet written down become one last timeline entry, then the row goes.</summary>
    internal async Task EndAsync(string applicationId, IReadOnlyList<DepartmentCall> unwritten, CancellationToken cancellationToken)
    {
        if (unwritten.Count > 0)
        {
            var count = DepartmentCall.CountOf(unwritten);
            await store.UpdateAsync(applicationId, application => [new TimelineEntity
            {
                Kind = "calls",
                Summary = $"{count} status {(count == 1 ? "query" : "queries")} to {application.Department} that brought nothing new",
            }.WithCalls(unwritten)], cancellationToken);
        }

        var index = await tables.Index();
        try
        {
            await index.DeleteEntityAsync(Partition, applicationId, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No follow-up was scheduled.
        }
    }
}

/// <summary>
/// Asks the departments about every case that is due, applies what they say, and schedules the next question. Every
/// request a question sends reaches the timeline: with the report it brought, or folded into the follow-up row until
/// the next entry this poller writes (see <see cref="FollowUpSchedule"/>).
/// </summary>
public sealed class StatusFollowUps(
    HubTables tables,
    ApplicationStore store,
    FollowUpSchedule schedule,
    IDepartmentStatusSink sink,
    TimeProvider time,
    ILogger<StatusFollowUps> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var index = await tables.Index();
        var asked = 0;
        await foreach (var due in index.QueryAsync<IndexEntity>(e => e.PartitionKey == FollowUpSchedule.Partition && e.DueAt <= now,
            cancellationToken: cancellationToken))
        {
            var unwritten = DepartmentCall.FromJson(due.Calls);
            var application = await store.FindAsync(due.ApplicationId, cancellationToken);
            if (application is null)
            {
                await schedule.EndAsync(due.ApplicationId, [], cancellationToken);
                continue;
            }

            if (application.CaseNumber is null
                || StatusMachine.IsFinal(Enum.Parse<ApplicationStatus>(application.Status))
                || schedule.QueryFor(application.Department) is not { } query)
            {
                // Settled meanwhile (a notification, a webhook): nothing more to ask.
                await schedule.EndAsync(due.ApplicationId, unwritten, cancellationToken);
                continue;
            }

            // Telemetry hook (issue 14): the poll and the report it brings are spans in the application's trace.
            using var activity = HubTelemetry.StartInApplicationTrace($"poll {application.Department}", application.TraceParent,
                application.PartitionKey, ActivityKind.Client);
            var result = await query.QueryAsync(application.DeliveryKey, application.CaseNumber, cancellationToken);
            asked++;
            unwritten = DepartmentCall.Fold(unwritten, result.Calls ?? []);
            if (result.Report is { } report)
            {
                var outcome = await sink.ApplyAsync(report with { Calls = unwritten }, cancellationToken);
                logger.LogInformation("Asked {Department} about {ApplicationId}: {Status} ({Outcome})", application.Department, application.PartitionKey, report.Status, outcome);

                // Applied and stale reports are written with the calls; a duplicate writes nothing, so they wait on the row.
                if (outcome is ReportOutcome.Applied or ReportOutcome.Stale)
                {
                    unwritten = [];
                }

                application = await store.FindAsync(due.ApplicationId, cancellationToken) ?? application;
            }

            await schedule.RescheduleAsync(application, result.RetryAfter, unwritten, cancellationToken);
        }

        return asked;
    }
}
