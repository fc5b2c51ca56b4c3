using Azure;
using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>
/// Applications and their timelines. Every change is one transaction in the application's partition,
/// guarded by the main row's ETag, so concurrent writers (dispatcher, notifications, operators) never
/// overwrite each other: the loser re-reads and decides again. An application that closes gets a row in
/// the index's <c>retention</c> partition keyed by when it closed, so erasing what is due is a range read of
/// that one partition, never a scan of the applications.
/// </summary>
public sealed class ApplicationStore(HubTables tables, TimeProvider time)
{
    public const string RetentionPartition = "retention";
    private const int MaxConflicts = 20;

    // An entity-group transaction takes at most 100 actions.
    private const int MaxBatch = 100;

    public async Task CreateAsync(ApplicationEntity application, TimelineEntity received, CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        received.Sequence = application.TimelineCount = 1;
        Place(application.PartitionKey, received);
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, application),
            new TableTransactionAction(TableTransactionActionType.Add, received),
        ], cancellationToken);
    }

    public async Task<ApplicationEntity?> FindAsync(string applicationId, CancellationToken cancellationToken)
    {
        if (!IsKey(applicationId))
        {
            return null;
        }

        var table = await tables.Applications();
        var found = await table.GetEntityIfExistsAsync<ApplicationEntity>(applicationId, ApplicationEntity.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<IReadOnlyList<TimelineEntity>> TimelineAsync(string applicationId, CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        var entries = new List<TimelineEntity>();
        await foreach (var entry in table.QueryAsync<TimelineEntity>(
            e => e.PartitionKey == applicationId && e.RowKey.CompareTo("t") >= 0 && e.RowKey.CompareTo("u") < 0,
            cancellationToken: cancellationToken))
        {
            entries.Add(entry);
        }

        return [.. entries.OrderBy(e => e.Sequence)];
    }

    public async Task<bool> HasEventAsync(string applicationId, string eventKey, CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        await foreach (var _ in table.QueryAsync<TimelineEntity>(
            e => e.PartitionKey == applicationId && e.EventKey == eventKey, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Reads the application, lets <paramref name="change"/> modify it and name the timeline steps it adds,
    /// and commits both at once. <paramref name="change"/> returns null to write nothing; it may run more
    /// than once when another writer got there first, so it must only look at what it is given.
    /// </summary>
    public async Task<Committed?> UpdateAsync(
        string applicationId,
        Func<ApplicationEntity, IReadOnlyList<TimelineEntity>?> change,
        CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        for (var conflict = 0; ; conflict++)
        {
            var current = await FindAsync(applicationId, cancellationToken);
            if (current is null)
            {
                return null;
            }

            var wasClosed = current.ClosedAt is not null;
            var added = change(current);
            if (added is null)
            {
                return new Committed(current, []);
            }

            if (!wasClosed && current.ClosedAt is { } closedAt)
            {
                // Intent before action: written before the transaction, so a crash in between cannot leave personal data
                // that retention never finds. A row whose transaction then lost is put right by EraseAsync's caller.
                await ScheduleErasureAsync(applicationId, closedAt, cancellationToken);
            }

            current.UpdatedAt = time.GetUtcNow();
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, current, current.ETag) };
            foreach (var entry in added)
            {
                entry.Sequence = ++current.TimelineCount;
                Place(applicationId, entry);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entry));
            }

            actions[0] = new TableTransactionAction(TableTransactionActionType.UpdateReplace, current, current.ETag);
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return new Committed(current, added);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409 && conflict < MaxConflicts)
            {
                // Someone else changed the application meanwhile: read again and decide again.
            }
        }
    }

    /// <summary>Records that an application closed at <paramref name="closedAt"/>, for the retention job.</summary>
    public async Task ScheduleErasureAsync(string applicationId, DateTimeOffset closedAt, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        await index.UpsertEntityAsync(new IndexEntity
        {
            PartitionKey = RetentionPartition,
            RowKey = RetentionKey(closedAt.UtcTicks, applicationId),
            ApplicationId = applicationId,
            DueAt = closedAt,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Retention rows of applications that closed at or before <paramref name="cutoff"/>, oldest first: one range read.</summary>
    public async Task<IReadOnlyList<IndexEntity>> ClosedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        var below = RetentionKey(cutoff.UtcTicks + 1, "");
        var due = new List<IndexEntity>();
        await foreach (var row in index.QueryAsync<IndexEntity>(e => e.PartitionKey == RetentionPartition && e.RowKey.CompareTo(below) < 0,
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

    /// <summary>
    /// Erases an application's personal data (the sealed submission and result, and the ID hash) if it closed at or
    /// before <paramref name="closedBefore"/>, leaving its masked timeline with a note of the erasure. Answers what it
    /// found, and when the application closed.
    /// </summary>
    public async Task<(Erasure Outcome, DateTimeOffset? ClosedAt)> EraseAsync(string applicationId, DateTimeOffset closedBefore, string note, CancellationToken cancellationToken)
    {
        var outcome = Erasure.Missing;
        DateTimeOffset? closedAt = null;
        await UpdateAsync(applicationId, application =>
        {
            closedAt = application.ClosedAt;
            outcome = application switch
            {
                { ErasedAt: not null } => Erasure.AlreadyErased,
                { ClosedAt: null } => Erasure.NotClosed,
                { ClosedAt: var closed } when closed > closedBefore => Erasure.NotDue,
                _ => Erasure.Erased,
            };
            if (outcome != Erasure.Erased)
            {
                return null;
            }

            application.SealedPersonalData = null;
            application.SealedResult = null;
            application.IdNumberHash = "";
            application.ErasedAt = time.GetUtcNow();
            return [new TimelineEntity { Kind = "erased", Summary = note }];
        }, cancellationToken);
        return (outcome, closedAt);
    }

    /// <summary>Deletes retention rows that are done with, in transactions of up to 100.</summary>
    public async Task ForgetAsync(IEnumerable<IndexEntity> rows, CancellationToken cancellationToken)
    {
        var index = await tables.Index();
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            try
            {
                await index.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // Another instance deleted one of them meanwhile: delete the rest one by one.
                foreach (var row in chunk)
                {
                    try
                    {
                        await index.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                    }
                    catch (RequestFailedException gone) when (gone.Status == 404)
                    {
                        // Already deleted.
                    }
                }
            }
        }
    }

    // Ticks as 19 digits sort as time; the id makes the key unique.
    private static string RetentionKey(long ticks, string applicationId) => $"{ticks:D19}-{applicationId}";

    private void Place(string applicationId, TimelineEntity entry)
    {
        entry.PartitionKey = applicationId;
        entry.RowKey = TimelineEntity.RowFor(entry.Sequence);
        if (entry.At == default)
        {
            entry.At = time.GetUtcNow();
        }
    }

    /// <summary>Only ids the hub could have issued reach storage queries.</summary>
    private static bool IsKey(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}

public sealed record Committed(ApplicationEntity Application, IReadOnlyList<TimelineEntity> Added);

/// <summary>What <see cref="ApplicationStore.EraseAsync"/> found.</summary>
public enum Erasure
{
    Erased,
    AlreadyErased,
    NotClosed,
    NotDue,
    Missing,
}
