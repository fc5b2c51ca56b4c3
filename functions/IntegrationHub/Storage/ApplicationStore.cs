using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>
/// Applications and their timelines, and the one writer of every step on them. A step is one entity-group transaction in
/// the application's partition (the row under its ETag, the timeline entries, the report it applies), preceded by an
/// intent when anything must follow it outside the partition, and followed by those effects: feed events, counters and
/// the portal's sets, the pending hand-off, the follow-up, the retention row (<see cref="StepEffects"/>). The intent is
/// deleted in the same transaction that applies the last effect, so a crash in between leaves it for the sweep
/// (<see cref="RepairAsync"/>), never a status change the platform does not hear of or a count that is off.
/// </summary>
internal sealed class ApplicationStore(
    HubTables tables,
    ApplicationCache cache,
    EventFeed feed,
    WorkIndex work,
    Lookups lookups,
    RetentionIndex retention,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<ApplicationStore> logger)
{
    private const int MaxConflicts = 20;

    private readonly ApplicationLocks _locks = new();
    private readonly EffectsBehind _behind = new();

    /// <summary>
    /// Intake: the pending hand-off (with what the application counts for) first, then the application and its first
    /// timeline entry. The id is derived from the platform's idempotency key, so a repeat finds the same partition.
    /// </summary>
    public async Task<Creation> CreateAsync(ApplicationEntity application, TimelineEntity received, CancellationToken cancellationToken)
    {
        var id = application.PartitionKey;
        using var held = await _locks.EnterAsync(id, cancellationToken);
        application.RowKey = Keys.Application(id);
        received.Sequence = application.TimelineCount = 1;
        Place(id, received, "intake");

        // Written before the application: a crash between the two leaves a pending row the sweep finds (and, with no
        // application behind it, takes back with what it counted). Its Add is the claim: a row already there is a repeat.
        var effects = StepEffects.Between(null, application, new StepPlan { HandoffVisibleAt = application.SubmittedAt }, [], application.SubmittedAt);
        var claim = WorkIndex.Effects(effects with { Pending = null }, null);
        if (effects.Pending is { } pending)
        {
            claim.Add(RowWriteKind.Add, WorkIndex.PendingRow(effects, pending));
        }

        if ((await work.WriteAsync(claim)).Outcome != BatchOutcome.Committed)
        {
            return await ReadAsync(id, cancellationToken) is { } existing
                ? new Creation(CreationOutcome.Existing, existing)
                : new Creation(CreationOutcome.InProgress, null);
        }

        // Claimed: the application follows whatever the caller does. A platform client that went away here would otherwise
        // leave a claim without an application, and its retry would be told "in progress" until the sweep took it back.
        var table = await tables.Applications();
        var unstoppable = CancellationToken.None;
        try
        {
            var response = await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, application),
                new TableTransactionAction(TableTransactionActionType.Add, received),
            ], unstoppable);
            application.ETag = response.Value[0].Headers.ETag ?? default;
            cache.Set(application);
            return new Creation(CreationOutcome.Created, application);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // The application was there already (a repeat after its hand-off ended): take back what this intake counted.
            await work.WriteAsync(WorkIndex.Effects(effects.Undone(), null));
            return await ReadAsync(id, unstoppable) is { } existing
                ? new Creation(CreationOutcome.Existing, existing)
                : new Creation(CreationOutcome.InProgress, null);
        }
    }

    /// <summary>The application as this instance last wrote or read it, else from storage: for steps, whose writes are ETag-guarded.</summary>
    public async Task<ApplicationEntity?> FindAsync(string applicationId, CancellationToken cancellationToken) =>
        Keys.IsApplicationId(applicationId) ? cache.Get(applicationId) ?? await ReadAsync(applicationId, cancellationToken) : null;

    /// <summary>The application as stored now: for answers to people.</summary>
    public async Task<ApplicationEntity?> ReadAsync(string applicationId, CancellationToken cancellationToken)
    {
        if (!Keys.IsApplicationId(applicationId))
        {
            return null;
        }

        var table = await tables.Applications();
        var found = await table.GetEntityIfExistsAsync<ApplicationEntity>(applicationId, Keys.Application(applicationId), cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            cache.Forget(applicationId);
            return null;
        }

        cache.Set(found.Value!);
        return found.Value;
    }

    public async Task<IReadOnlyList<TimelineEntity>> TimelineAsync(string applicationId, CancellationToken cancellationToken)
    {
        var table = await tables.Applications();
        var (from, to) = Keys.TimelineRange(applicationId);
        var entries = new List<TimelineEntity>();
        await foreach (var entry in table.QueryAsync<TimelineEntity>(
            e => e.PartitionKey == applicationId && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0,
            cancellationToken: cancellationToken))
        {
            entries.Add(entry);
        }

        return [.. entries.OrderBy(e => e.Sequence)];
    }

    /// <summary>
    /// Applies one step. <paramref name="decide"/> gets a copy of the application to change and answers the timeline
    /// entries it adds and what the store cannot tell by itself, or null to write nothing; it may run more than once when
    /// another writer got there first, so it must only look at what it is given. With <paramref name="reportKey"/> the
    /// step records a department report: one already applied makes the transaction fail, and the step answers Duplicate.
    /// With <paramref name="writeBehind"/> the step returns once its transaction is committed and its effects are written
    /// after it, waiting up to <see cref="StorageOptions.EffectsPatience"/> to share transactions with other steps' (a
    /// department's report, a hand-off attempt: nobody reads those effects at once, and the intent keeps them safe);
    /// without it the caller waits for them (an operator who acts and then looks at the lists).
    /// </summary>
    public async Task<StepResult> StepAsync(
        string applicationId, Func<ApplicationEntity, StepPlan?> decide, CancellationToken cancellationToken, string? reportKey = null, bool writeBehind = false)
    {
        if (!Keys.IsApplicationId(applicationId))
        {
            return StepResult.Missing;
        }

        using var held = await _locks.EnterAsync(applicationId, cancellationToken);
        var step = Guid.NewGuid().ToString("N");
        var intent = Keys.Intent(applicationId, step);
        var intentWritten = false;
        var table = await tables.Applications();
        var current = cache.Get(applicationId) ?? await ReadAsync(applicationId, cancellationToken);

        // From here the step runs to its end whatever its caller does: once its intent is written, a transaction cancelled
        // half way leaves the step to the sweep, minutes later (a department's callback that timed out under load did so:
        // its status, final ones too, reached the platform only when the sweep came by). Each call has its own time limit.
        var unstoppable = CancellationToken.None;
        for (var conflict = 0; ; conflict++)
        {
            if (current is null)
            {
                await DropIntentAsync(intent, intentWritten);
                return StepResult.Missing;
            }

            var before = current.Copy();
            var after = current.Copy();
            var plan = decide(after);
            if (plan is null)
            {
                await DropIntentAsync(intent, intentWritten);
                return new StepResult(StepOutcome.Unchanged, current, []);
            }

            var now = time.GetUtcNow();
            after.UpdatedAt = now;
            foreach (var entry in plan.Entries)
            {
                entry.Sequence = ++after.TimelineCount;
                Place(applicationId, entry, step);
            }

            var lookupRows = Lookups.Changes(before, after);
            var effects = StepEffects.Between(before, after, plan, plan.Entries, now);

            // Before the transaction: the intent, when anything must follow it, and the rows that find the application.
            var first = new List<Task>();
            if (!effects.IsEmpty)
            {
                first.Add(work.WriteAsync(new RowBatch().Add(RowWriteKind.Upsert, new IntentEntity
                {
                    RowKey = intent,
                    ApplicationId = applicationId,
                    Step = step,
                    CreatedAt = now,
                    Effects = effects.ToJson(),
                    TraceParent = after.TraceParent,
                })));
                intentWritten = true;
            }
            else if (intentWritten)
            {
                first.Add(DropIntentAsync(intent, true));
                intentWritten = false;
            }

            if (!lookupRows.IsEmpty)
            {
                first.Add(lookups.WriteAsync(after.Department, lookupRows));
            }

            await Task.WhenAll(first);

            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, after, before.ETag) };
            actions.AddRange(plan.Entries.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
            if (reportKey is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity(applicationId, Keys.Report(applicationId, reportKey)) { [nameof(TimelineEntity.Step)] = step }));
            }

            var behind = intentWritten && writeBehind && options.Value.EffectsPatience > TimeSpan.Zero ? _behind.Reserve(applicationId, intent) : null;
            try
            {
                var response = await table.SubmitTransactionAsync(actions, unstoppable);
                after.ETag = response.Value[0].Headers.ETag ?? default;
                cache.Set(after);
                behind?.SetResult(() => ApplyBehindAsync(effects, intent));
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && conflict < MaxConflicts)
            {
                // Someone else changed the application meanwhile: read again and decide again.
                current = await ReadAsync(applicationId, unstoppable);
                continue;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && reportKey is not null && ex.FailedTransactionActionIndex == actions.Count - 1)
            {
                await DropIntentAsync(intent, intentWritten);
                return new StepResult(StepOutcome.Duplicate, current, []);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                cache.Forget(applicationId);
                await DropIntentAsync(intent, intentWritten);
                return StepResult.Missing;
            }
            finally
            {
                // Not committed (a conflict, a failure): the place in line holds nothing.
                behind?.TrySetResult(null);
            }

            if (intentWritten && behind is null)
            {
                await ApplyAsync(effects, intent, TimeSpan.Zero);
            }

            return new StepResult(StepOutcome.Committed, after, plan.Entries);
        }
    }

    /// <summary>
    /// Finishes a step the sweep found an intent of: when its transaction committed (its entries carry the step), the
    /// effects are applied now (its feed events may then appear twice, with the same event ids); when it never did, the
    /// intent goes. Answers whether the step had committed.
    /// </summary>
    public async Task<bool> RepairAsync(IntentEntity intent, CancellationToken cancellationToken)
    {
        if (_behind.Writing(intent.RowKey) is { } writing)
        {
            // This instance is writing them still (a step's write-behind slowed by a busy store): its intent is no crash's.
            await writing;
            return true;
        }

        using var held = await _locks.EnterAsync(intent.ApplicationId, cancellationToken);
        var timeline = await TimelineAsync(intent.ApplicationId, cancellationToken);
        if (timeline.Any(e => e.Step == intent.Step))
        {
            await ApplyAsync(StepEffects.FromJson(intent.Effects), intent.RowKey, TimeSpan.Zero);
            return true;
        }

        await DropIntentAsync(intent.RowKey, true);
        return false;
    }

    /// <summary>A pending row whose application never came (the intake died between the two): it goes, with what it counted.</summary>
    public async Task AbandonIntakeAsync(PendingEntity pending, CancellationToken cancellationToken)
    {
        using var held = await _locks.EnterAsync(pending.ApplicationId, cancellationToken);
        if (await ReadAsync(pending.ApplicationId, cancellationToken) is not null)
        {
            return;
        }

        var intake = new ApplicationEntity
        {
            PartitionKey = pending.ApplicationId,
            Platform = pending.Platform,
            Department = pending.Department,
            ItemCode = pending.ItemCode,
            Status = Contracts.ApplicationStatus.Submitted,
            Handoff = Contracts.HandoffState.Waiting,
            SubmittedAt = pending.SubmittedAt,
        };
        var undo = StepEffects.Between(null, intake, new StepPlan(), [], pending.SubmittedAt).Undone();
        var batch = WorkIndex.Effects(undo with { Pending = null }, null)
            .Add(RowWriteKind.Delete, new TableEntity(Keys.WorkPartition, Keys.Pending(pending.ApplicationId)));
        await work.WriteAsync(batch);
    }

    /// <summary>
    /// Erases an application's personal data (the sealed submission and result, the ID and name hashes) if it closed at or
    /// before <paramref name="closedBefore"/>, leaving its masked timeline with a note of the erasure. Answers what it
    /// found, and when the application closed.
    /// </summary>
    public async Task<(Erasure Outcome, DateTimeOffset? ClosedAt)> EraseAsync(string applicationId, DateTimeOffset closedBefore, string note, CancellationToken cancellationToken)
    {
        var outcome = Erasure.Missing;
        DateTimeOffset? closedAt = null;
        await StepAsync(applicationId, application =>
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
            application.SealedCaseRequest = null;
            application.IdNumberHash = "";
            application.NameHash = "";
            application.ErasedAt = time.GetUtcNow();
            return StepPlan.Of(new TimelineEntity { Kind = "erased", Summary = note });
        }, cancellationToken);
        return (outcome, closedAt);
    }

    /// <summary>Done when the effects of the application's steps written behind are in (or left to the sweep).</summary>
    public Task SettledAsync(string applicationId) => _behind.SettledAsync(applicationId);

    /// <summary>Done when every step's effects written behind are in: a stopping host waits for it.</summary>
    public Task SettledAsync() => _behind.SettledAsync();

    private async Task ApplyBehindAsync(StepEffects effects, string intent)
    {
        try
        {
            await ApplyAsync(effects, intent, options.Value.EffectsPatience);
        }
        catch (Exception ex)
        {
            // Nobody waits to hear it, whatever it was: the intent stays, and the sweep applies the effects (RepairAsync).
            StorageLog.EffectsLeftToSweep(logger, intent, ex.GetType().Name);
        }
    }

    private async Task ApplyAsync(StepEffects effects, string intent, TimeSpan patience)
    {
        // The feed and the retention row first: the intent is deleted only once they are safely in.
        var first = new List<Task>();
        if (effects.Feed.Count > 0)
        {
            first.Add(feed.AppendAsync(effects.Platform, effects.ApplicationId, effects.Feed, patience));
        }

        if (effects.ClosedAt is { } closed)
        {
            first.Add(retention.ScheduleAsync(effects.ApplicationId, closed, patience));
        }

        await Task.WhenAll(first);

        // Counters, sets, the pending row and the follow-up: one batch in the work partition, with the intent's deletion.
        if ((await work.WriteAsync(WorkIndex.Effects(effects, intent), patience)).Outcome == BatchOutcome.Missing)
        {
            // The sweep finished this step first (it took the intent with it): its counters are in, so these are not.
            StorageLog.StepFinishedBySweep(logger, intent);
        }
    }

    private async Task DropIntentAsync(string intent, bool written)
    {
        if (written)
        {
            await work.WriteAsync(new RowBatch().Add(RowWriteKind.DeleteIfExists, new TableEntity(Keys.WorkPartition, intent)));
        }
    }

    private void Place(string applicationId, TimelineEntity entry, string step)
    {
        entry.PartitionKey = applicationId;
        entry.RowKey = Keys.Timeline(applicationId, entry.Sequence);
        entry.Step = step;
        if (entry.At == default)
        {
            entry.At = time.GetUtcNow();
        }
    }
}

internal enum CreationOutcome
{
    Created,

    /// <summary>The idempotency key was used before: the application it made.</summary>
    Existing,

    /// <summary>Another request with the same key is still creating it.</summary>
    InProgress,
}

internal sealed record Creation(CreationOutcome Outcome, ApplicationEntity? Application);

internal enum StepOutcome
{
    Committed,

    /// <summary>The step decided there was nothing to write.</summary>
    Unchanged,

    /// <summary>The report was applied before.</summary>
    Duplicate,

    Missing,
}

/// <param name="Outcome">What the step did.</param>
/// <param name="Application">The application after the step (or as found, when nothing was written).</param>
/// <param name="Added">The timeline entries the step added.</param>
internal sealed record StepResult(StepOutcome Outcome, ApplicationEntity? Application, IReadOnlyList<TimelineEntity> Added)
{
    public static StepResult Missing { get; } = new(StepOutcome.Missing, null, []);
}

/// <summary>What <see cref="ApplicationStore.EraseAsync"/> found.</summary>
internal enum Erasure
{
    Erased,
    AlreadyErased,
    NotClosed,
    NotDue,
    Missing,
}
