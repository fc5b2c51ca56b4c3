using Azure;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Delivery;

/// <summary>
/// When the hub next asks a department about a delivered case: one row per case in the index
/// (<c>followup</c>), due <see cref="IDepartmentStatusQuery.Interval"/> after delivery or after the last news,
/// gone once the case is final. Departments without a status query (公安 notifies) get no row.
/// </summary>
public sealed class FollowUpSchedule(HubTables tables, IEnumerable<IDepartmentStatusQuery> queries, TimeProvider time)
{
    public const string Partition = "followup";

    public IDepartmentStatusQuery? QueryFor(string department) => queries.FirstOrDefault(q => q.Department == department);

    public async Task ScheduleAsync(ApplicationEntity application, CancellationToken cancellationToken, TimeSpan? after = null)
    {
        if (QueryFor(application.Department) is not { } query)
        {
            return;
        }

        var index = await tables.Index();
        if (application.CaseNumber is null || StatusMachine.IsFinal(Enum.Parse<ApplicationStatus>(application.Status)))
        {
            await ClearAsync(application.PartitionKey, cancellationToken);
            return;
        }

        await index.UpsertEntityAsync(new IndexEntity
        {
            PartitionKey = Partition,
            RowKey = application.PartitionKey,
            ApplicationId = application.PartitionKey,
            DueAt = time.GetUtcNow() + (after ?? query.Interval),
        }, cancellationToken: cancellationToken);
    }

    public async Task ClearAsync(string applicationId, CancellationToken cancellationToken)
    {
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

/// <summary>Asks the departments about every case that is due, applies what they say, and schedules the next question.</summary>
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
            var application = await store.FindAsync(due.ApplicationId, cancellationToken);
            if (application is null || application.CaseNumber is null || schedule.QueryFor(application.Department) is not { } query)
            {
                await schedule.ClearAsync(due.ApplicationId, cancellationToken);
                continue;
            }

            var result = await query.QueryAsync(application.DeliveryKey, application.CaseNumber, cancellationToken);
            asked++;
            if (result.Report is { } report)
            {
                var outcome = await sink.ApplyAsync(report, cancellationToken);
                logger.LogInformation("Asked {Department} about {ApplicationId}: {Status} ({Outcome})", application.Department, application.PartitionKey, report.Status, outcome);
                application = await store.FindAsync(due.ApplicationId, cancellationToken) ?? application;
            }

            await schedule.ScheduleAsync(application, cancellationToken, result.RetryAfter);
        }

        return asked;
    }
}
