using Azure;
using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>
/// The work table's one partition: what is in flight (pending hand-offs, step intents, follow-ups), the portal's small sets (awaiting
/// acknowledgement, failed, resolved) and counters, and the feed readers' cursors. Everything here is small, so the sweep
/// and the dashboard read it by range; it is written by group commit (<see cref="GroupCommit"/>).
/// </summary>
internal sealed class WorkIndex(HubTables tables, GroupCommit commit)
{
    public const string TableName = "work";

    internal Task<BatchResult> WriteAsync(RowBatch batch, TimeSpan patience = default) => commit.WriteAsync(t => t.Work(), TableName, Keys.WorkPartition, batch, patience);

    /// <summary>Pending hand-offs whose message should have been visible before <paramref name="visibleBefore"/>, and step intents older than <paramref name="createdBefore"/>: one range read.</summary>
    public async Task<(IReadOnlyList<PendingEntity> Stranded, IReadOnlyList<IntentEntity> Unfinished)> OverdueAsync(
        DateTimeOffset visibleBefore, DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Keys.WorkPartition} and ((RowKey ge {"i"} and RowKey lt {"j"} and CreatedAt lt {createdBefore}) or (RowKey ge {"p"} and RowKey lt {"q"} and VisibleAt lt {visibleBefore}))");
        var stranded = new List<PendingEntity>();
        var unfinished = new List<IntentEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith('i'))
            {
                unfinished.Add(Intent(row));
            }
            else
            {
                stranded.Add(Pending(row));
            }
        }

        return (stranded, unfinished);
    }

    /// <summary>Every pending hand-off (in-flight applications are few): what the portal lists for Waiting, Retrying and Held.</summary>
    public Task<IReadOnlyList<PendingEntity>> PendingAsync(CancellationToken cancellationToken) => RangeAsync<PendingEntity>("p", cancellationToken);

    public Task<IReadOnlyList<MemberEntity>> FailedAsync(CancellationToken cancellationToken) => RangeAsync<MemberEntity>("f", cancellationToken);

    public Task<IReadOnlyList<MemberEntity>> ResolvedAsync(CancellationToken cancellationToken) => RangeAsync<MemberEntity>("r", cancellationToken);

    /// <summary>Applications awaiting acknowledgement that were submitted in [<paramref name="from"/>, <paramref name="before"/>), oldest first.</summary>
    public async Task<IReadOnlyList<MemberEntity>> AwaitingAsync(DateTimeOffset? from, DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var low = from is { } f ? Keys.AwaitingBefore(f) : "a";
        var high = Keys.AwaitingBefore(before);
        var found = new List<MemberEntity>();
        await foreach (var row in table.QueryAsync<MemberEntity>(
            e => e.PartitionKey == Keys.WorkPartition && e.RowKey.CompareTo(low) >= 0 && e.RowKey.CompareTo(high) < 0,
            maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            found.Add(row);
            if (found.Count == max)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>The counter rows from <paramref name="fromHour"/> on (hours) and every department's state counts: one range read.</summary>
    public async Task<IReadOnlyList<TableEntity>> CountersAsync(DateTimeOffset fromHour, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var low = Keys.HoursFrom(fromHour);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == Keys.WorkPartition && e.RowKey.CompareTo(low) >= 0 && e.RowKey.CompareTo(Keys.CountersEnd) < 0,
            cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    public static (string Department, DateTimeOffset? Hour) CounterOf(TableEntity row)
    {
        // c-n-{department} or c-h{yyyyMMddHH}-{department}
        if (row.RowKey.StartsWith("c-n-", StringComparison.Ordinal))
        {
            return (row.RowKey[4..], null);
        }

        var hour = DateTimeOffset.ParseExact(row.RowKey[3..13], "yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        return (row.RowKey[14..], hour);
    }

    /// <summary>Drops hour counters older than <paramref name="before"/>: the dashboard reads the last day only.</summary>
    public async Task<int> PruneHoursAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var high = Keys.HoursFrom(before);
        var old = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == Keys.WorkPartition && e.RowKey.CompareTo("c-h") >= 0 && e.RowKey.CompareTo(high) < 0,
            select: ["RowKey"], cancellationToken: cancellationToken))
        {
            old.Add(row.RowKey);
        }

        foreach (var chunk in old.Chunk(98))
        {
            var batch = new RowBatch();
            foreach (var key in chunk)
            {
                batch.Add(RowWriteKind.DeleteIfExists, new TableEntity(Keys.WorkPartition, key));
            }

            await WriteAsync(batch);
        }

        return old.Count;
    }

    /// <summary>Says when a pending hand-off's message is visible again (the sweep re-sent it; a test strands one).</summary>
    public Task MarkPendingAsync(string applicationId, DateTimeOffset visibleAt) =>
        WriteAsync(new RowBatch().Add(RowWriteKind.Merge, new TableEntity(Keys.WorkPartition, Keys.Pending(applicationId))
        {
            [nameof(PendingEntity.ApplicationId)] = applicationId,
            [nameof(PendingEntity.VisibleAt)] = visibleAt,
        }));

    /// <summary>The hand-off ended some other way than through a step (a duplicate message for work already done).</summary>
    public Task ClearPendingAsync(string applicationId) =>
        WriteAsync(new RowBatch().Add(RowWriteKind.DeleteIfExists, new TableEntity(Keys.WorkPartition, Keys.Pending(applicationId))));

    /// <summary>A feed reader's cursor and lease, or null before its first write.</summary>
    public async Task<CursorEntity?> CursorAsync(string sink, string platform, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        var found = await table.GetEntityIfExistsAsync<CursorEntity>(Keys.WorkPartition, Keys.Cursor(sink, platform), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Writes the cursor if nobody else did since <paramref name="cursor"/> was read (ETag); answers whether it did.</summary>
    public async Task<CursorEntity?> TryWriteCursorAsync(string sink, string platform, CursorEntity cursor, CancellationToken cancellationToken)
    {
        var table = await tables.Work();
        cursor.PartitionKey = Keys.WorkPartition;
        cursor.RowKey = Keys.Cursor(sink, platform);
        try
        {
            var response = cursor.ETag == default
                ? await table.AddEntityAsync(cursor, cancellationToken)
                : await table.UpdateEntityAsync(cursor, cursor.ETag, TableUpdateMode.Replace, cancellationToken);
            cursor.ETag = response.Headers.ETag ?? default;
            return cursor;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null;
        }
    }

    internal static RowBatch Effects(StepEffects effects, string? intentRow)
    {
        var batch = new RowBatch();
        foreach (var counter in effects.Counters)
        {
            batch.Count(counter.Row, counter.Property, counter.Amount);
        }

        foreach (var set in effects.Sets)
        {
            batch.Add(set.Add ? RowWriteKind.Upsert : RowWriteKind.DeleteIfExists, new MemberEntity
            {
                RowKey = set.RowKey,
                ApplicationId = effects.ApplicationId,
                Department = effects.Department,
                ItemCode = set.ItemCode,
                SubmittedAt = set.SubmittedAt,
            });
        }

        if (effects.Pending is { } pending)
        {
            batch.Add(pending.Handoff is null ? RowWriteKind.DeleteIfExists : RowWriteKind.Upsert, PendingRow(effects, pending));
        }

        if (effects.FollowUpDueAt is { } due)
        {
            batch.Add(RowWriteKind.Merge, FollowUpStore.Due(effects.Department, effects.ApplicationId, due));
        }

        if (intentRow is not null)
        {
            // Strict: if the intent is gone, someone else (the sweep) applied these effects, and this batch must not apply them twice.
            batch.Add(RowWriteKind.Delete, new TableEntity(Keys.WorkPartition, intentRow));
        }

        return batch;
    }

    internal static PendingEntity PendingRow(StepEffects effects, PendingChange pending) => new()
    {
        RowKey = Keys.Pending(effects.ApplicationId),
        ApplicationId = effects.ApplicationId,
        Department = effects.Department,
        Platform = effects.Platform,
        ItemCode = pending.ItemCode,
        Handoff = pending.Handoff ?? "",
        SubmittedAt = pending.SubmittedAt,
        VisibleAt = pending.VisibleAt ?? pending.SubmittedAt,
        IdNumberHash = pending.IdNumberHash,
        NameHash = pending.NameHash,
        TraceParent = pending.TraceParent,
    };

    private async Task<IReadOnlyList<T>> RangeAsync<T>(string prefix, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var table = await tables.Work();
        var end = Keys.PrefixEnd(prefix);
        var rows = new List<T>();
        await foreach (var row in table.QueryAsync<T>(e => e.PartitionKey == Keys.WorkPartition && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(end) < 0,
            cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static IntentEntity Intent(TableEntity row) => new()
    {
        PartitionKey = row.PartitionKey,
        RowKey = row.RowKey,
        ETag = row.ETag,
        ApplicationId = row.GetString(nameof(IntentEntity.ApplicationId)) ?? "",
        Step = row.GetString(nameof(IntentEntity.Step)) ?? "",
        CreatedAt = row.GetDateTimeOffset(nameof(IntentEntity.CreatedAt)) ?? DateTimeOffset.MinValue,
        Effects = row.GetString(nameof(IntentEntity.Effects)) ?? "",
        TraceParent = row.GetString(nameof(IntentEntity.TraceParent)),
    };

    private static PendingEntity Pending(TableEntity row) => new()
    {
        PartitionKey = row.PartitionKey,
        RowKey = row.RowKey,
        ETag = row.ETag,
        ApplicationId = row.GetString(nameof(PendingEntity.ApplicationId)) ?? row.RowKey[1..],
        Department = row.GetString(nameof(PendingEntity.Department)) ?? "",
        Platform = row.GetString(nameof(PendingEntity.Platform)) ?? "",
        ItemCode = row.GetString(nameof(PendingEntity.ItemCode)) ?? "",
        Handoff = row.GetString(nameof(PendingEntity.Handoff)) ?? "",
        SubmittedAt = row.GetDateTimeOffset(nameof(PendingEntity.SubmittedAt)) ?? DateTimeOffset.MinValue,
        VisibleAt = row.GetDateTimeOffset(nameof(PendingEntity.VisibleAt)) ?? DateTimeOffset.MinValue,
        IdNumberHash = row.GetString(nameof(PendingEntity.IdNumberHash)) ?? "",
        NameHash = row.GetString(nameof(PendingEntity.NameHash)) ?? "",
        TraceParent = row.GetString(nameof(PendingEntity.TraceParent)),
    };
}
