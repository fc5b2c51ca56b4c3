namespace IntegrationHub.Storage;

/// <summary>
/// Closed applications by when they closed (retention table): erasing what is due is a range read of one partition,
/// never a scan of the applications. Rows are written by the step that closes an application (see <see cref="StepEffects"/>).
/// </summary>
internal sealed class RetentionIndex(HubTables tables, GroupCommit commit)
{
    public const string TableName = "retention";

    // An entity-group transaction takes at most 100 actions.
    private const int MaxBatch = 98;

    /// <summary>Records that an application closed at <paramref name="closedAt"/>.</summary>
    public Task ScheduleAsync(string applicationId, DateTimeOffset closedAt, TimeSpan patience = default) =>
        commit.WriteAsync(t => t.Retention(), TableName, Keys.RetentionPartition, new RowBatch().Add(RowWriteKind.Upsert, Row(applicationId, closedAt)), patience);

    /// <summary>Rows of applications that closed at or before <paramref name="cutoff"/>, oldest first: one range read.</summary>
    public async Task<IReadOnlyList<RetentionEntity>> ClosedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        var table = await tables.Retention();
        var below = Keys.RetentionBefore(cutoff);
        var due = new List<RetentionEntity>();
        await foreach (var row in table.QueryAsync<RetentionEntity>(e => e.PartitionKey == Keys.RetentionPartition && e.RowKey.CompareTo(below) < 0,
            maxPerPage: max, cancellationToken: cancellationToken))
        {
            due.Add(row);
            if (due.Count == max)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Deletes rows that are done with, in transactions of up to a hundred.</summary>
    public async Task ForgetAsync(IEnumerable<RetentionEntity> rows)
    {
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            var batch = new RowBatch();
            foreach (var row in chunk)
            {
                batch.Add(RowWriteKind.DeleteIfExists, new RetentionEntity { RowKey = row.RowKey, ApplicationId = row.ApplicationId });
            }

            await commit.WriteAsync(t => t.Retention(), TableName, Keys.RetentionPartition, batch);
        }
    }

    internal static RetentionEntity Row(string applicationId, DateTimeOffset closedAt) =>
        new() { RowKey = Keys.Retention(closedAt, applicationId), ApplicationId = applicationId, DueAt = closedAt };
}
