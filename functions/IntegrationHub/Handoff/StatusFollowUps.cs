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
    // The questions of one run leave one after another (each department paces them hub-wide), and what they bring is
    // written a chunk at a time, concurrently, while the next chunk's questions are asked: so the chunk's status steps,
    // reschedules and ends share their transactions in the shared partitions (group commit) instead of paying a call each.
    // Sixteen is about a second of questions at the departments' default pace.
    private const int Chunk = 16;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var asked = 0;
        var writing = Task.CompletedTask;
        var chunk = new List<Func<Task>>(Chunk);
        foreach (var due in await followUps.DueAsync(time.GetUtcNow(), cancellationToken))
        {
            if (await AskAsync(due, cancellationToken) is not { } answered)
            {
                continue;
            }

            asked += answered.Asked ? 1 : 0;
            chunk.Add(answered.Write);
            if (chunk.Count == Chunk)
            {
                // One chunk written at a time: the one before must be done before this one starts.
                await writing;
                writing = WriteAllAsync(chunk);
                chunk = new List<Func<Task>>(Chunk);
            }
        }

        await writing;
        await WriteAllAsync(chunk);
        return asked;
    }

    private static Task WriteAllAsync(List<Func<Task>> writes) => Task.WhenAll(writes.Select(w => w()));

    // Asks about one due case (or finds there is nothing to ask); returns what is left to write, or null when nothing is.
    private async Task<(bool Asked, Func<Task> Write)?> AskAsync(FollowUpEntity due, CancellationToken cancellationToken)
    {
        var department = due.Department;
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
            return (false, () => followUps.EndAsync(due.ApplicationId));
        }

        if (application.CaseNumber is null
            || StatusMachine.IsFinal(application.Status)
            || statusPath.QueryFor(application.Department) is not { } query)
        {
            // Settled meanwhile (a notification, a webhook): nothing more to ask.
            var settled = application;
            return (false, () => EndAsync(settled, unwritten, cancellationToken));
        }

        // Telemetry hook (issue 14): the poll and the report it brings are spans in the application's trace; the poll's
        // span stays open until what it brought is written.
        var activity = HubTelemetry.StartInApplicationTrace($"poll {application.Department}", application.TraceParent,
            application.PartitionKey, ActivityKind.Client);
        StatusQueryResult result;
        try
        {
            result = await query.QueryAsync(application.HandoffKey, application.CaseNumber, cancellationToken);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        unwritten = DepartmentCall.Fold(unwritten, result.Calls ?? []);
        var asked = application;
        return (true, () => WriteAsync(department, asked, query, result, unwritten, activity, cancellationToken));
    }

    // What one question brought: the report through the status path, then the next question or the end.
    private async Task WriteAsync(string department, ApplicationEntity application, IDepartmentStatusQuery query, StatusQueryResult result,
        IReadOnlyList<DepartmentCall> unwritten, Activity? activity, CancellationToken cancellationToken)
    {
        using var span = activity;
        if (activity is not null)
        {
            Activity.Current = activity;
        }

        if (result.Report is { } report)
        {
            var outcome = await statusPath.ApplyAsync(report with { Calls = unwritten }, cancellationToken);
            HandoffLog.Asked(logger, application.Department, application.PartitionKey, report.Status, outcome);

            // Applied and stale reports are written with the calls; a duplicate writes nothing, so they wait on the row.
            if (outcome is ReportOutcome.Applied or ReportOutcome.Stale)
            {
                unwritten = [];
            }

            application = await store.FindAsync(application.PartitionKey, cancellationToken) ?? application;
        }

        if (StatusMachine.IsFinal(application.Status))
        {
            await EndAsync(application, unwritten, cancellationToken);
            return;
        }

        // The report's effects are written behind it and move this row's due time: this row is written after them.
        await store.SettledAsync(application.PartitionKey);
        await followUps.RescheduleAsync(department, application.PartitionKey, time.GetUtcNow() + (result.RetryAfter ?? query.Interval), DepartmentCall.ToJson(unwritten));
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

        // After the effects of the steps written behind (a merge of this row's due time must not bring it back).
        await store.SettledAsync(application.PartitionKey);
        await followUps.EndAsync(application.PartitionKey);
    }
}
