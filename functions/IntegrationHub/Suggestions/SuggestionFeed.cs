using IntegrationHub.Contracts;
using IntegrationHub.Storage;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Issue 12's addition to the platform events: every suggestion step becomes an event in the platform's feed
/// (<see cref="EventFeed"/>: the same partition and gap-free positions as application events, told apart by
/// <see cref="EventEntity.Type"/>), so the platform reads them in the pull feed and the feed pump POSTs them to the same
/// signed webhook.
/// </summary>
internal sealed class SuggestionFeed(EventFeed feed)
{
    public const string Type = "suggestion-changed";

    public static bool Is(EventEntity row) => row.Type == Type;

    /// <summary>
    /// Publishes every step given, in order; steps already in the feed are not appended again (the feed keeps a marker per
    /// event id), so a caller unsure whether a step got in publishes it again. One transaction for new steps.
    /// </summary>
    public Task PublishAsync(SuggestionEntity suggestion, IEnumerable<SuggestionStepEntity> steps, CancellationToken cancellationToken) =>
        feed.AppendOnceAsync(suggestion.Platform, [.. steps.Select(step => new EventEntity
        {
            Type = Type,
            EventId = $"{suggestion.PartitionKey}-{step.Sequence}",
            SuggestionId = suggestion.PartitionKey,
            Community = suggestion.Community,
            Step = step.Step,
            Status = step.Status.ToString(),
            PreviousStatus = step.PreviousStatus.ToString(),
            Note = step.Note,
            Department = step.Department,
            Rating = step.Rating,
            OccurredAt = step.At,
        })]);

    public static SuggestionChanged ToEvent(EventEntity row)
    {
        var (status, previous) = row.SuggestionStates();
        return new(row.EventId, row.RowKey, row.SuggestionId!, row.Community!, row.Step!, status, previous, row.Note, row.Department, row.Rating,
            row.OccurredAt);
    }
}
