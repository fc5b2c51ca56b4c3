using Azure.Data.Tables;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Every change of a suggestion goes through here: written with its steps in one transaction, then published to the
/// platform's feed and webhook. A "due" row written before the change (an intent) is cleared after publishing, so the
/// deadline job republishes whatever a crash in between left unpublished; the same job drives the 24-hour clock.
/// </summary>
internal sealed partial class SuggestionService(
    SuggestionStore store,
    SuggestionFeed feed,
    CommunityRegistry communities,
    IOptions<SuggestionOptions> options,
    IOptions<RetentionOptions> retention,
    TimeProvider time,
    ILogger<SuggestionService> logger)
{
    public const string IntentDue = "intent";
    public const string ClockDue = "clock";
    public const string EraseDue = "erase";
    public const int BatchSize = 500;

    /// <summary>How long an intent waits before the job takes it for abandoned (the change normally clears it in milliseconds).</summary>
    public static readonly TimeSpan IntentGrace = TimeSpan.FromMinutes(2);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// Stores a checked submission: photos, the intent and the clock's first milestone, the suggestion, its event.
    /// Storage calls: one per photo, then four (due rows, suggestion, feed row, webhook message) and one to clear the intent.
    /// </summary>
    public async Task<SuggestionEntity> CreateAsync(string id, string platform, SuggestionSubmission submission, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var suggestion = new SuggestionEntity
        {
            PartitionKey = id,
            Platform = platform,
            Community = submission.Community.Code,
            Street = submission.Community.Street.Code,
            Category = submission.Category,
            Status = SuggestionStatus.Submitted,
            ContactNameMasked = submission.Resident.ContactName is { } name ? Masking.Name(name) : null,
            ContactPhoneMasked = Masking.Phone(submission.Resident.ContactPhone),
            BodyHash = submission.BodyHash,
            SubmittedAt = now,
            UpdatedAt = now,
            WarnAt = now + settings.WarnAfter,
            DueAt = now + settings.AnswerWithin,
        };
        store.SealResident(suggestion, submission.Resident);
        suggestion.Photos = await store.PutPhotosAsync(id, submission.Photos, cancellationToken);
        var first = new SuggestionStepEntity
        {
            Step = SuggestionSteps.Submitted,
            Status = suggestion.Status,
            PreviousStatus = suggestion.Status,
            Summary = $"收到居民建议（{submission.Category}，{submission.Community.Name}，照片 {submission.Photos.Count} 张）",
            At = now,
        };

        var intent = (now + IntentGrace, id, IntentDue);
        await store.MarkDueAsync([intent, (suggestion.WarnAt, id, ClockDue)], cancellationToken);
        try
        {
            await store.CreateAsync(suggestion, first, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return suggestion; // a concurrent retry with the same key created it first and publishes it
        }

        await feed.PublishAsync(suggestion, [first], cancellationToken);
        await store.MoveDueAsync(Due(intent), [], cancellationToken);
        SuggestionsLog.Received(logger, id, suggestion.Community, submission.Photos.Count);
        return suggestion;
    }

    /// <summary>
    /// One change through <see cref="SuggestionStore.UpdateAsync"/>, published. Storage calls: intent, read, transaction,
    /// feed row and webhook message per step, clearing the intent: 6 for one step; 4 when nothing changes.
    /// </summary>
    public async Task<(SuggestionEntity Suggestion, IReadOnlyList<SuggestionStepEntity> Added)?> ChangeAsync(
        string id, Func<SuggestionEntity, IReadOnlyList<SuggestionStepEntity>?> change, CancellationToken cancellationToken)
    {
        var intent = (time.GetUtcNow() + IntentGrace, id, IntentDue);
        await store.MarkDueAsync([intent], cancellationToken);
        var committed = await store.UpdateAsync(id, change, cancellationToken);
        if (committed is { Added.Count: > 0 } done)
        {
            await feed.PublishAsync(done.Suggestion, done.Added, cancellationToken);
        }

        // The erase row goes with clearing the intent: a crash before leaves the intent, whose handling writes it.
        await store.MoveDueAsync(Due(intent), ErasureOf(committed?.Suggestion), cancellationToken);
        return committed;
    }

    /// <summary>
    /// The deadline job (a timer trigger on Azure, the local host's sweep): one range read of the due rows, then per row
    /// one read and, when something is due, one transaction, the events, and one transaction moving the row on.
    /// </summary>
    public async Task<int> RunDeadlinesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.DueAsync(now, BatchSize, cancellationToken);
        var steps = 0;
        foreach (var row in due)
        {
            if (SuggestionStore.DueKind(row) == IntentDue)
            {
                // A change that did not finish: whatever it committed is published now (feed rows are idempotent).
                var (found, timeline) = await store.ReadAsync(row.SuggestionId, cancellationToken);
                if (found is not null)
                {
                    await feed.PublishAsync(found, timeline, cancellationToken);
                }

                await store.MoveDueAsync(row, ErasureOf(found), cancellationToken);
                continue;
            }

            if (SuggestionStore.DueKind(row) == EraseDue)
            {
                // Retention, as for applications: a row written for a close that lost its race moves to the real close time.
                var (erased, closedAt) = await store.EraseAsync(row.SuggestionId, now - retention.Value.EraseAfter, now, cancellationToken);
                if (erased)
                {
                    SuggestionsLog.Erased(logger, row.SuggestionId);
                }

                await store.MoveDueAsync(row, !erased && closedAt is { } later ? [(later + retention.Value.EraseAfter, row.SuggestionId, EraseDue)] : [], cancellationToken);
                continue;
            }

            var committed = await store.UpdateAsync(row.SuggestionId, s =>
                SuggestionSteps.Clock(s, communities.Find(s.Community)?.Street.Name ?? s.Street, now), cancellationToken);
            if (committed is not { } done)
            {
                await store.MoveDueAsync(row, [], cancellationToken);
                continue;
            }

            if (done.Added.Count > 0)
            {
                await feed.PublishAsync(done.Suggestion, done.Added, cancellationToken);
                steps += done.Added.Count;
                foreach (var step in done.Added)
                {
                    SuggestionsLog.Clock(logger, done.Suggestion.PartitionKey, step.Step, done.Suggestion.Community);
                }
            }
            else if (done.Suggestion.AnsweredAt is null && (done.Suggestion.Warned || done.Suggestion.Breached))
            {
                // The row outlived a run that committed the clock's step but stopped before publishing it.
                var (_, timeline) = await store.ReadAsync(row.SuggestionId, cancellationToken);
                await feed.PublishAsync(done.Suggestion, timeline.Where(s => s.Step is SuggestionSteps.Warning or SuggestionSteps.Breach), cancellationToken);
            }

            var next = SuggestionSteps.NextMilestone(done.Suggestion);
            await store.MoveDueAsync(row, next is { } at ? [(at, row.SuggestionId, ClockDue)] : [], cancellationToken);
        }

        return steps;
    }

    // A closed suggestion not yet erased gets its erase row (an upsert: writing it twice is harmless).
    private IReadOnlyList<(DateTimeOffset At, string Id, string Kind)> ErasureOf(SuggestionEntity? suggestion) =>
        suggestion is { Status: SuggestionStatus.Closed, ErasedAt: null }
            ? [(suggestion.UpdatedAt + retention.Value.EraseAfter, suggestion.PartitionKey, EraseDue)]
            : [];

    private static SuggestionIndexEntity Due((DateTimeOffset At, string Id, string Kind) row) => new()
    {
        PartitionKey = SuggestionStore.DuePartition,
        RowKey = SuggestionStore.DueKey(row.At, row.Id, row.Kind),
        SuggestionId = row.Id,
    };
}
