using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>
/// When the hub next asks a department about a delivered case (work partition, <c>u{id}</c>, one row per case), and the
/// status queries that brought nothing new and are not on the timeline yet. A step's follow-up rides in its work
/// effects (<see cref="WorkIndex.Effects"/>); the poller's own writes go through the same group commit.
/// </summary>
internal sealed class FollowUpStore(HubTables tables, WorkIndex work)
{
    /// <summary>Due at <paramref name="dueAt"/>: a merge of the due time alone, so the queries not yet written down stay on the row.</summary>
    public Task ScheduleAsync(string department, string applicationId, DateTimeOffset dueAt) =>
        work.WriteAsync(new RowBatch().Add(RowWriteKind.Merge, Due(department, applicationId, dueAt)));

    /// <summary>The poller's own rescheduling: when to ask next and the queries still to be written down.</summary>
    public Task RescheduleAsync(string department, string applicationId, DateTimeOffset dueAt, string? calls) =>
        work.WriteAsync(new RowBatch().Add(RowWriteKind.Upsert, new FollowUpEntity
        {
            RowKey = Keys.FollowUp(applicationId),
            ApplicationId = applicationId,
            Department = department,
            DueAt = dueAt,
            Calls = calls,
        }));

    public Task EndAsync(string applicationId) =>
        work.WriteAsync(new RowBatch().Add(RowWriteKind.DeleteIfExists, new TableEntity(Keys.WorkPartition, Keys.FollowUp(applicationId))));

    /// <summary>Every case due by <paramref name="now"/>, of every department: one range read of the work partition.</summary>
    public async Task<IReadOnlyList<FollowUpEntity>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var end = Keys.PrefixEnd(Keys.FollowUps);
        var due = new List<FollowUpEntity>();
        await foreach (var row in table.QueryAsync<FollowUpEntity>(
            e => e.PartitionKey == Keys.WorkPartition && e.RowKey.CompareTo(Keys.FollowUps) >= 0 && e.RowKey.CompareTo(end) < 0 && e.DueAt <= now,
            cancellationToken: cancellationToken))
        {
            due.Add(row);
        }

        return due;
    }

    public async Task<FollowUpEntity?> FindAsync(string applicationId, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var row = await table.GetEntityIfExistsAsync<FollowUpEntity>(Keys.WorkPartition, Keys.FollowUp(applicationId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>The merge that says when a case is next due (a step's effect or a duplicate message's repair).</summary>
    internal static TableEntity Due(string department, string applicationId, DateTimeOffset dueAt) =>
        new(Keys.WorkPartition, Keys.FollowUp(applicationId))
        {
            [nameof(FollowUpEntity.ApplicationId)] = applicationId,
            [nameof(FollowUpEntity.Department)] = department,
            [nameof(FollowUpEntity.DueAt)] = dueAt,
        };
}
