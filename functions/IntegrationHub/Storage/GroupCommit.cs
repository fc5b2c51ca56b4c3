using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>How a row of a <see cref="RowBatch"/> is written.</summary>
internal enum RowWriteKind
{
    /// <summary>Insert; a row already there fails the whole batch as <see cref="BatchOutcome.Conflict"/>.</summary>
    Add,

    /// <summary>Insert or replace.</summary>
    Upsert,

    /// <summary>Insert or merge: only the properties given change.</summary>
    Merge,

    /// <summary>Delete; a row already gone fails the whole batch as <see cref="BatchOutcome.Missing"/>.</summary>
    Delete,

    /// <summary>Delete if there.</summary>
    DeleteIfExists,
}

internal sealed record RowWrite(RowWriteKind Kind, ITableEntity Entity);

/// <summary>One caller's rows for one partition: committed all together, or not at all.</summary>
internal sealed class RowBatch
{
    public List<RowWrite> Rows { get; } = [];

    /// <summary>Counter row → property → amount to add. Several callers' amounts for one row are summed into one write.</summary>
    public Dictionary<string, Dictionary<string, long>> Counters { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows placed at the partition's next positions, in this order (their RowKey is set when they commit).</summary>
    public List<ITableEntity> Sequenced { get; } = [];

    public bool IsEmpty => Rows.Count == 0 && Counters.Count == 0 && Sequenced.Count == 0;

    public RowBatch Add(RowWriteKind kind, ITableEntity entity)
    {
        Rows.Add(new RowWrite(kind, entity));
        return this;
    }

    public RowBatch Count(string row, string property, long amount)
    {
        if (amount == 0)
        {
            return this;
        }

        if (!Counters.TryGetValue(row, out var properties))
        {
            Counters[row] = properties = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        properties[property] = properties.GetValueOrDefault(property) + amount;
        if (properties[property] == 0)
        {
            properties.Remove(property);
            if (properties.Count == 0)
            {
                Counters.Remove(row);
            }
        }

        return this;
    }

    public int Actions => Rows.Count + Sequenced.Count;

    public IEnumerable<string> RowKeys => Rows.Select(r => r.Entity.RowKey);
}

internal enum BatchOutcome
{
    Committed,

    /// <summary>A row the batch adds was already there: nothing of the batch was written.</summary>
    Conflict,

    /// <summary>A row the batch deletes was already gone: nothing of the batch was written.</summary>
    Missing,
}

/// <param name="Outcome">Whether the batch was written.</param>
/// <param name="FirstPosition">The position of the batch's first sequenced row, when it had any.</param>
internal sealed record BatchResult(BatchOutcome Outcome, long? FirstPosition = null);

/// <summary>
/// Group commit for the rows that live in shared partitions (in-flight work, counters, lookups, a platform's feed): every
/// caller's rows for one partition queue here and go out together in one entity-group transaction of up to 100 actions.
/// A transaction with few rows waits <see cref="StorageOptions.GroupCommitLinger"/> for others to join; whoever arrives
/// while a transaction is out rides the next one. A batch nobody waits for at once (a step's effects written behind it)
/// brings a longer patience: it rides whatever transaction others start in its partition, or leaves when that runs out. So at load the cost of an index row per application approaches zero,
/// and a caller still waits for its own rows to be committed.
/// </summary>
/// <remarks>
/// Counter rows and a partition's position sequence are kept here: this instance remembers each row's value and ETag, adds
/// the batch's amounts and writes the sum under the ETag. Another instance that wrote the row meanwhile makes the
/// transaction fail as a whole; the row is read again and the transaction retried, so positions have no gaps and counts
/// are never lost or doubled. Batches leave in the order they came, except that a batch touching a row an earlier
/// batch in the same transaction touches waits for the next one (and so does everything behind it).
/// </remarks>
internal sealed class GroupCommit(HubTables tables, IOptions<StorageOptions> options, ILogger<GroupCommit> logger)
{
    private readonly ConcurrentDictionary<(string Table, string Partition), PartitionWriter> _writers = new();

    /// <summary>
    /// Queues <paramref name="batch"/> for its partition's next transaction. With a <paramref name="patience"/> the batch
    /// may wait that long for company (it rides the next transaction any other caller's rows start, or leaves when its
    /// patience runs out); without one it waits the short linger.
    /// </summary>
    internal Task<BatchResult> WriteAsync(Func<HubTables, Task<TableClient>> table, string tableName, string partition, RowBatch batch, TimeSpan patience = default)
    {
        if (batch.IsEmpty)
        {
            return Task.FromResult(new BatchResult(BatchOutcome.Committed));
        }

        var writer = _writers.GetOrAdd((tableName, partition), k => new PartitionWriter(() => table(tables), k.Partition, options.Value.GroupCommitLinger, logger));
        return writer.WriteAsync(batch, StorageCalls.CurrentOperation, patience);
    }

    private sealed class PartitionWriter(Func<Task<TableClient>> table, string partition, TimeSpan linger, ILogger logger)
    {
        // Below this many queued rows a transaction waits the linger for company; above it, it is worth sending at once.
        private const int Company = 10;

        private const int MaxActions = 100;
        private const int MaxAttempts = 30;

        private readonly Queue<Queued> _queue = new();
        private readonly Lock _gate = new();
        private readonly Dictionary<string, CounterRow> _counters = new(StringComparer.Ordinal);
        private bool _running;
        private TaskCompletionSource? _arrived;

        public Task<BatchResult> WriteAsync(RowBatch batch, string operation, TimeSpan patience)
        {
            if (batch.Actions > MaxActions - 2)
            {
                throw new ArgumentException($"A batch for partition {partition} has {batch.Actions} rows; at most {MaxActions - 2} fit in one transaction.", nameof(batch));
            }

            foreach (var row in batch.Rows)
            {
                row.Entity.PartitionKey = partition;
            }

            foreach (var row in batch.Sequenced)
            {
                row.PartitionKey = partition;
            }

            var queued = new Queued(batch, operation, Stopwatch.GetTimestamp() + Ticks(patience > linger ? patience : linger));
            var start = false;
            lock (_gate)
            {
                _queue.Enqueue(queued);
                if (!_running)
                {
                    _running = start = true;
                }

                // A writer waiting for company looks again: this batch may be in a hurry, or make enough rows to go.
                _arrived?.TrySetResult();
            }

            if (start)
            {
                _ = Task.Run(FlushAsync);
            }

            return queued.Done.Task;
        }

        private async Task FlushAsync()
        {
            while (true)
            {
                await CompanyAsync();
                List<Queued> taken;
                lock (_gate)
                {
                    taken = Take();
                    if (taken.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }

                try
                {
                    await CommitAsync(taken);
                }
                catch (Exception ex)
                {
                    // Never leave a caller waiting: whatever went wrong reaches every caller of this transaction.
                    foreach (var q in taken)
                    {
                        q.Done.TrySetException(ex);
                    }
                }
            }
        }

        // Waits for other callers' rows as long as the queued batches allow: each at least the linger from now (rows that
        // came while the last transaction was out get a moment for more to join), a patient one until its own time, and
        // not at all once enough rows wait to be worth a transaction.
        private async Task CompanyAsync()
        {
            var lingerEnd = Stopwatch.GetTimestamp() + Ticks(linger);
            while (true)
            {
                Task arrived;
                long wait;
                lock (_gate)
                {
                    if (_queue.Count == 0 || _queue.Sum(q => q.Batch.Actions + q.Batch.Counters.Count) >= Company)
                    {
                        return;
                    }

                    wait = Math.Max(lingerEnd, _queue.Min(q => q.Due)) - Stopwatch.GetTimestamp();
                    if (wait <= 0)
                    {
                        return;
                    }

                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _arrived.Task;
                }

                // The timer is stopped when a caller arrives first, so a busy partition does not pile up pending timers.
                using var timer = new CancellationTokenSource();
                await Task.WhenAny(arrived, Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), timer.Token));
                await timer.CancelAsync();
            }
        }

        private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

        // The longest run from the front of the queue that fits one transaction and touches each row once.
        private List<Queued> Take()
        {
            var taken = new List<Queued>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var counters = new HashSet<string>(StringComparer.Ordinal);
            var actions = 0;
            while (_queue.TryPeek(out var next))
            {
                var newCounters = next.Batch.Counters.Keys.Where(c => !counters.Contains(c)).Count() + (next.Batch.Sequenced.Count > 0 && !counters.Contains(Keys.FeedSequence) ? 1 : 0);
                if (taken.Count > 0 && (actions + next.Batch.Actions + newCounters > MaxActions || next.Batch.RowKeys.Any(keys.Contains)))
                {
                    break;
                }

                _queue.Dequeue();
                taken.Add(next);
                actions += next.Batch.Actions + newCounters;
                keys.UnionWith(next.Batch.RowKeys);
                counters.UnionWith(next.Batch.Counters.Keys);
                if (next.Batch.Sequenced.Count > 0)
                {
                    counters.Add(Keys.FeedSequence);
                }
            }

            return taken;
        }

        private async Task CommitAsync(List<Queued> taken)
        {
            var client = await table();
            var dropped = new HashSet<RowWrite>();
            for (var attempt = 1; taken.Count > 0; attempt++)
            {
                using var calls = StorageCalls.BeginShared([.. taken.Select(t => t.Operation)]);
                var plan = await PlanAsync(client, taken, dropped);
                if (plan.Actions.Count == 0)
                {
                    // Every row was a delete of a row already gone.
                    foreach (var q in taken)
                    {
                        q.Done.TrySetResult(new BatchResult(BatchOutcome.Committed));
                    }

                    return;
                }

                try
                {
                    var response = await client.SubmitTransactionAsync(plan.Actions.Select(a => a.Action), CancellationToken.None);
                    Committed(plan, response.Value);
                    foreach (var q in taken)
                    {
                        q.Done.TrySetResult(new BatchResult(BatchOutcome.Committed, plan.Positions.TryGetValue(q, out var first) ? first : null));
                    }

                    return;
                }
                catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } index && index < plan.Actions.Count && attempt < MaxAttempts)
                {
                    var failed = plan.Actions[index];
                    if (failed.Counter is { } counter)
                    {
                        // Another instance moved the counter (or created or removed the row): read it again.
                        _counters.Remove(counter);
                        continue;
                    }

                    if (failed.Row is null)
                    {
                        // A position this instance thought free is taken: another instance moved the feed's sequence.
                        // (The transaction names its first failing action, and the positions come before the sequence row.)
                        _counters.Remove(Keys.FeedSequence);
                        continue;
                    }

                    var (owner, row) = (failed.Owner!, failed.Row);
                    switch (row.Kind, ex.Status)
                    {
                        case (RowWriteKind.DeleteIfExists, 404):
                            dropped.Add(row);
                            break;
                        case (RowWriteKind.Add, 409):
                            taken.Remove(owner);
                            owner.Done.TrySetResult(new BatchResult(BatchOutcome.Conflict));
                            break;
                        case (RowWriteKind.Delete, 404):
                            taken.Remove(owner);
                            owner.Done.TrySetResult(new BatchResult(BatchOutcome.Missing));
                            break;
                        default:
                            taken.Remove(owner);
                            owner.Done.TrySetException(ex);
                            break;
                    }
                }
                catch (RequestFailedException ex) when (ex is not TableTransactionFailedException && ex.Status is 0 or 408 or >= 500 && attempt < 5)
                {
                    StorageLog.GroupCommitRetry(logger, partition, ex.Status);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
                }
            }
        }

        private async Task<Plan> PlanAsync(TableClient client, List<Queued> taken, HashSet<RowWrite> dropped)
        {
            var plan = new Plan();
            var sums = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            long sequenced = 0;
            foreach (var q in taken)
            {
                foreach (var row in q.Batch.Rows.Where(r => !dropped.Contains(r)))
                {
                    plan.Actions.Add(new PlannedAction(ToAction(row), q, row, null));
                }

                foreach (var (row, properties) in q.Batch.Counters)
                {
                    var sum = sums.TryGetValue(row, out var s) ? s : sums[row] = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var (property, amount) in properties)
                    {
                        sum[property] = sum.GetValueOrDefault(property) + amount;
                    }
                }

                sequenced += q.Batch.Sequenced.Count;
            }

            if (sequenced > 0)
            {
                var sequence = await CounterAsync(client, Keys.FeedSequence);
                var next = sequence.Values.GetValueOrDefault("Last") + 1;
                foreach (var q in taken.Where(q => q.Batch.Sequenced.Count > 0))
                {
                    plan.Positions[q] = next;
                    foreach (var row in q.Batch.Sequenced)
                    {
                        row.RowKey = Keys.Position(next++);
                        plan.Actions.Add(new PlannedAction(new TableTransactionAction(TableTransactionActionType.Add, row), q, null, null));
                    }
                }

                sums[Keys.FeedSequence] = new Dictionary<string, long>(StringComparer.Ordinal) { ["Last"] = sequenced };
            }

            foreach (var (row, amounts) in sums)
            {
                var current = await CounterAsync(client, row);
                var entity = new TableEntity(partition, row);
                foreach (var (property, value) in current.Values)
                {
                    entity[property] = value;
                }

                foreach (var (property, amount) in amounts)
                {
                    entity[property] = current.Values.GetValueOrDefault(property) + amount;
                }

                plan.Actions.Add(new PlannedAction(
                    current.ETag is { } etag
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag)
                        : new TableTransactionAction(TableTransactionActionType.Add, entity),
                    null, null, row));
            }

            return plan;
        }

        private async Task<CounterRow> CounterAsync(TableClient client, string row)
        {
            if (_counters.TryGetValue(row, out var known))
            {
                return known;
            }

            var found = await client.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: CancellationToken.None);
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            if (found.HasValue)
            {
                foreach (var (property, value) in found.Value!)
                {
                    if (value is long or int)
                    {
                        values[property] = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    }
                }
            }

            return _counters[row] = new CounterRow(values, found.HasValue ? found.Value!.ETag : null);
        }

        private void Committed(Plan plan, IReadOnlyList<Response> responses)
        {
            for (var i = 0; i < plan.Actions.Count; i++)
            {
                if (plan.Actions[i].Counter is not { } row)
                {
                    continue;
                }

                var entity = (TableEntity)plan.Actions[i].Action.Entity;
                var values = entity.Where(p => p.Value is long).ToDictionary(p => p.Key, p => (long)p.Value, StringComparer.Ordinal);
                if (i < responses.Count && responses[i].Headers.ETag is { } etag)
                {
                    _counters[row] = new CounterRow(values, etag);
                }
                else
                {
                    _counters.Remove(row);
                }
            }
        }

        private static TableTransactionAction ToAction(RowWrite row) => row.Kind switch
        {
            RowWriteKind.Add => new TableTransactionAction(TableTransactionActionType.Add, row.Entity),
            RowWriteKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row.Entity),
            RowWriteKind.Merge => new TableTransactionAction(TableTransactionActionType.UpsertMerge, row.Entity),
            _ => new TableTransactionAction(TableTransactionActionType.Delete, row.Entity, ETag.All),
        };

        private sealed record CounterRow(Dictionary<string, long> Values, ETag? ETag);

        private sealed record PlannedAction(TableTransactionAction Action, Queued? Owner, RowWrite? Row, string? Counter);

        private sealed class Plan
        {
            public List<PlannedAction> Actions { get; } = [];

            public Dictionary<Queued, long> Positions { get; } = [];
        }

        private sealed class Queued(RowBatch batch, string operation, long due)
        {
            public RowBatch Batch { get; } = batch;

            public string Operation { get; } = operation;

            /// <summary>When the batch stops waiting for company (<see cref="Stopwatch"/> ticks).</summary>
            public long Due { get; } = due;

            public TaskCompletionSource<BatchResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
