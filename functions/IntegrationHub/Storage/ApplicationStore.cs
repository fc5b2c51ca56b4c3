using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>
/// Applications and their timelines. Every change is one transaction in the application's partition,
/// guarded by the main row's ETag, so concurrent writers (dispatcher, notifications, operators) never
/// overwrite each other: the loser re-reads and decides again.
/// </summary>
public sealed class ApplicationStore(HubTables tables, TimeProvider time)
{
    private const int MaxConflicts = 20;

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

            var added = change(current);
            if (added is null)
            {
                return new Committed(current, []);
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
