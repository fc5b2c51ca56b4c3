using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>An application that already happened, with its timeline, for <see cref="SeedWriter"/>.</summary>
internal sealed record SeededApplication(ApplicationEntity Application, IReadOnlyList<TimelineEntity> Timeline);

/// <summary>
/// Writes applications that already happened (a whole city's worth, for the load command) with every row their steps
/// would have left: the application and its timeline in one transaction each, its case-number and ID-number/name lookup
/// rows, its members of the portal's sets, its pending row when its hand-off is in flight, and the counters the
/// dashboard adds up (the same projection, <see cref="StepEffects"/>, the steps use). No feed events and no retention rows:
/// the seeded history is not news to any platform, and its personal data is not sealed, so there is nothing to erase.
/// </summary>
internal sealed class SeedWriter(HubTables tables, WorkIndex work, Lookups lookups)
{
    // Rows per transaction below the 100-action limit; counter rows are kept apart because each adds an action of its own.
    private const int RowsPerBatch = 98;
    private const int CountersPerBatch = 90;

    /// <summary>Writes one chunk; applications already there (a repeated seed) are left as they are and counted for nothing. Answers how many were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<SeededApplication> chunk, int concurrency, CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        var written = new bool[chunk.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (application, timeline) = chunk[i];
                var id = application.PartitionKey;
                application.RowKey = Keys.Application(id);
                application.TimelineCount = timeline.Count;
                application.Indexed = true;
                var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, application) };
                for (var s = 0; s < timeline.Count; s++)
                {
                    var entry = timeline[s];
                    entry.PartitionKey = id;
                    entry.Sequence = s + 1;
                    entry.RowKey = Keys.Timeline(id, entry.Sequence);
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entry));
                }

                try
                {
                    await table.SubmitTransactionAsync(actions, ct);
                    written[i] = true;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // Seeded before.
                }
            });

        var fresh = chunk.Where((_, i) => written[i]).Select(s => s.Application).ToList();
        await Task.WhenAll(WriteLookupsAsync(fresh), WriteWorkAsync(fresh));
        return fresh.Count;
    }

    private async Task WriteLookupsAsync(List<ApplicationEntity> applications)
    {
        var writes = new List<Task<BatchResult>>();
        foreach (var department in applications.GroupBy(a => a.Department))
        {
            // A person with several applications has one row: their postings merge into it.
            var rows = new Dictionary<string, RowWrite>(StringComparer.Ordinal);
            foreach (var application in department)
            {
                foreach (var row in Lookups.Changes(new ApplicationEntity(), application).Rows)
                {
                    if (rows.TryGetValue(row.Entity.RowKey, out var known) && known.Entity is TableEntity merged && row.Entity is TableEntity more)
                    {
                        foreach (var (property, value) in more)
                        {
                            merged[property] = value;
                        }
                    }
                    else
                    {
                        rows[row.Entity.RowKey] = row;
                    }
                }
            }

            foreach (var part in rows.Values.Chunk(RowsPerBatch))
            {
                var batch = new RowBatch();
                batch.Rows.AddRange(part);
                writes.Add(lookups.WriteAsync(department.Key, batch));
            }
        }

        await Task.WhenAll(writes);
    }

    private async Task WriteWorkAsync(List<ApplicationEntity> applications)
    {
        var counters = new RowBatch();
        var rows = new List<RowWrite>();
        foreach (var application in applications)
        {
            var effects = StepEffects.Between(null, application, new StepPlan(), [], application.UpdatedAt);
            var batch = WorkIndex.Effects(effects, null);
            rows.AddRange(batch.Rows);
            foreach (var (row, properties) in batch.Counters)
            {
                foreach (var (property, amount) in properties)
                {
                    counters.Count(row, property, amount);
                }
            }
        }

        var writes = new List<Task<BatchResult>>();
        foreach (var part in rows.Chunk(RowsPerBatch))
        {
            var batch = new RowBatch();
            batch.Rows.AddRange(part);
            writes.Add(work.WriteAsync(batch));
        }

        foreach (var part in counters.Counters.Chunk(CountersPerBatch))
        {
            var batch = new RowBatch();
            foreach (var (row, properties) in part)
            {
                foreach (var (property, amount) in properties)
                {
                    batch.Count(row, property, amount);
                }
            }

            writes.Add(work.WriteAsync(batch));
        }

        await Task.WhenAll(writes);
    }
}
