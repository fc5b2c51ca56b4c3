namespace IntegrationHub.Storage;

/// <summary>
/// When the hub next asks a department about a delivered case (followups table, one partition per polled department,
/// one row per case), and the status queries that brought nothing new and are not on the timeline yet.
/// </summary>
internal sealed class FollowUpStore(HubTables tables, GroupCommit commit)
{
    public const string TableName = "followups";

    /// <summary>Due at <paramref name="dueAt"/>: a merge of the due time alone, so the queries not yet written down stay on the row.</summary>
    public Task ScheduleAsync(string department, string applicationId, DateTimeOffset dueAt) =>
        commit.WriteAsync(t => t.FollowUps(), TableName, department, new RowBatch().Add(RowWriteKind.Merge, new Azure.Data.Tables.TableEntity(department, Keys.FollowUp(applicationId))
        {
            [nameof(FollowUpEntity.ApplicationId)] = applicationId,
            [nameof(FollowUpEntity.DueAt)] = dueAt,
        }));

    /// <summary>The poller's own rescheduling: when to ask next and the queries still to be written down.</summary>
    public Task RescheduleAsync(string department, string applicationId, DateTimeOffset dueAt, string? calls) =>
        commit.WriteAsync(t => t.FollowUps(), TableName, department, new RowBatch().Add(RowWriteKind.Upsert, new FollowUpEntity
        {
            RowKey = Keys.FollowUp(applicationId),
            ApplicationId = applicationId,
            DueAt = dueAt,
            Calls = calls,
        }));

    public Task EndAsync(string department, string applicationId) =>
        commit.WriteAsync(t => t.FollowUps(), TableName, department,
            new RowBatch().Add(RowWriteKind.DeleteIfExists, new FollowUpEntity { RowKey = Keys.FollowUp(applicationId), ApplicationId = applicationId }));

    /// <summary>Every case due by <paramref name="now"/>, of every department: one range read.</summary>
    public async Task<IReadOnlyList<FollowUpEntity>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await tables.FollowUps();
        var due = new List<FollowUpEntity>();
        await foreach (var row in table.QueryAsync<FollowUpEntity>(e => e.DueAt <= now, cancellationToken: cancellationToken))
        {
            due.Add(row);
        }

        return due;
    }

    public async Task<FollowUpEntity?> FindAsync(string department, string applicationId, CancellationToken cancellationToken)
    {
        var table = await tables.FollowUps();
        var row = await table.GetEntityIfExistsAsync<FollowUpEntity>(department, Keys.FollowUp(applicationId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }
}
