namespace IntegrationHub.Storage;

/// <summary>
/// The platforms' event feeds (events table, one partition per platform). Positions are assigned in the transaction that
/// commits the events, from a sequence row in the same partition written under its ETag, so they have no gaps and an
/// event can never commit behind a position a reader has already passed: a reader that reads <c>RowKey &gt; after</c>
/// misses nothing.
/// </summary>
internal sealed class EventFeed(HubTables tables, GroupCommit commit, FeedNotifications notifications)
{
    public const string TableName = "events";

    /// <summary>Appends one application's events to its platform's feed, in order; answers them with their positions.</summary>
    internal async Task<IReadOnlyList<EventEntity>> AppendAsync(string platform, string applicationId, IReadOnlyList<FeedEvent> events, TimeSpan patience = default)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var rows = events.Select(e => new EventEntity
        {
            EventId = e.EventId,
            ApplicationId = applicationId,
            ItemCode = e.ItemCode,
            Status = e.Status.ToString(),
            PreviousStatus = e.PreviousStatus.ToString(),
            CaseNumber = e.CaseNumber,
            Reason = e.Reason,
            OccurredAt = e.OccurredAt,
            TraceParent = e.TraceParent,
            Type = e.Step is null ? null : EventEntity.ApplicationStepType,
            Step = e.Step,
        }).ToList();
        var batch = new RowBatch();
        batch.Sequenced.AddRange(rows);
        var result = await commit.WriteAsync(t => t.Events(), TableName, platform, batch, patience);
        if (result.Outcome != BatchOutcome.Committed)
        {
            throw new InvalidOperationException($"The feed of {platform} refused events at new positions ({result.Outcome}).");
        }

        notifications.Publish(platform, rows);
        return rows;
    }

    /// <summary>
    /// Issue 12: appends other events than an application's (suggestions') to the platform's feed, in order, each at most
    /// once: every event carries a marker row keyed by its event id in the same transaction, so appending an event again
    /// (after a crash, the caller cannot know whether it got in) adds nothing. Answers the events that were new.
    /// </summary>
    internal async Task<IReadOnlyList<EventEntity>> AppendOnceAsync(string platform, IReadOnlyList<EventEntity> events)
    {
        if (events.Count == 0)
        {
            return [];
        }

        // All at once, the usual case; when one of them is already in, each on its own to find the new ones.
        var appended = await AppendWithMarkersAsync(platform, events) ? events : [];
        if (appended.Count == 0 && events.Count > 1)
        {
            var one = new List<EventEntity>();
            foreach (var e in events)
            {
                if (await AppendWithMarkersAsync(platform, [e]))
                {
                    one.Add(e);
                }
            }

            appended = one;
        }

        if (appended.Count > 0)
        {
            notifications.Publish(platform, appended);
        }

        return appended;
    }

    private async Task<bool> AppendWithMarkersAsync(string platform, IReadOnlyList<EventEntity> events)
    {
        var batch = new RowBatch();
        foreach (var e in events)
        {
            batch.Add(RowWriteKind.Add, new Azure.Data.Tables.TableEntity(platform, Keys.FeedMarker(e.EventId)));
        }

        batch.Sequenced.AddRange(events);
        var result = await commit.WriteAsync(t => t.Events(), TableName, platform, batch);
        return result.Outcome switch
        {
            BatchOutcome.Committed => true,
            BatchOutcome.Conflict => false,
            _ => throw new InvalidOperationException($"The feed of {platform} refused events ({result.Outcome})."),
        };
    }

    /// <summary>Up to <paramref name="limit"/> events after <paramref name="after"/> (a position, or empty for the start), oldest first.</summary>
    public async Task<IReadOnlyList<EventEntity>> ReadAsync(string platform, string after, int limit, CancellationToken cancellationToken)
    {
        var feed = await tables.Events();
        var events = new List<EventEntity>();
        await foreach (var row in feed.QueryAsync<EventEntity>(
            e => e.PartitionKey == platform && e.RowKey.CompareTo(after) > 0 && e.RowKey.CompareTo(Keys.PositionsEnd) < 0,
            maxPerPage: limit, cancellationToken: cancellationToken))
        {
            events.Add(row);
            if (events.Count == limit)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The events after <paramref name="position"/> (0 for the start).</summary>
    public Task<IReadOnlyList<EventEntity>> ReadAfterAsync(string platform, long position, int limit, CancellationToken cancellationToken) =>
        ReadAsync(platform, position == 0 ? "" : Keys.Position(position), limit, cancellationToken);

    public static long PositionOf(EventEntity row) => Keys.PositionOf(row.RowKey);
}

/// <summary>Events as they commit to a feed in this instance, for the readers in this process (the webhook pump).</summary>
internal sealed class FeedNotifications
{
    public event Action<string, IReadOnlyList<EventEntity>>? Committed;

    internal void Publish(string platform, IReadOnlyList<EventEntity> events) => Committed?.Invoke(platform, events);
}
