using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using IntegrationHub.Contracts;
using IntegrationHub.Events;
using IntegrationHub.Storage;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Issue 12's addition to the platform events: every suggestion step becomes a row in the platform's feed (the same
/// table, partition and cursor order as application events, told apart by the <c>Type</c> column) and a message on the
/// same webhook queue, so the platform reads and receives both through one feed and one signed webhook.
/// Kept apart from <see cref="EventPublisher"/> so the feed's new design (issue 9) can take it over in one place.
/// </summary>
public sealed class SuggestionFeed(HubTables tables, EventPublisher publisher)
{
    public const string Type = "suggestion-changed";

    public static bool Is(TableEntity row) => row.GetString("Type") == Type;

    /// <summary>Publishes every step given; steps already in the feed are not sent again (two calls per new step).</summary>
    public async Task PublishAsync(SuggestionEntity suggestion, IEnumerable<SuggestionStepEntity> steps, CancellationToken cancellationToken)
    {
        var feed = await tables.Events();
        foreach (var step in steps)
        {
            var row = new TableEntity(suggestion.Platform, $"{step.At.UtcTicks:D19}-{suggestion.PartitionKey}-{step.Sequence:D6}")
            {
                ["Type"] = Type,
                ["EventId"] = $"{suggestion.PartitionKey}-{step.Sequence}",
                ["SuggestionId"] = suggestion.PartitionKey,
                ["Community"] = suggestion.Community,
                ["Step"] = step.Step,
                ["Status"] = step.Status,
                ["PreviousStatus"] = step.PreviousStatus,
                ["Note"] = step.Note,
                ["Department"] = step.Department,
                ["Rating"] = step.Rating,
                ["OccurredAt"] = step.At,
            };
            try
            {
                await feed.AddEntityAsync(row, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                continue; // published before; its webhook message was sent then
            }

            var queue = await publisher.WebhookQueue();
            await queue.SendMessageAsync(JsonSerializer.Serialize(new WebhookMessage(suggestion.Platform, row.RowKey)), cancellationToken);
        }
    }

    public static SuggestionChanged ToEvent(TableEntity row) => new(
        row.GetString("EventId"),
        row.RowKey,
        row.GetString("SuggestionId"),
        row.GetString("Community"),
        row.GetString("Step"),
        Enum.Parse<SuggestionStatus>(row.GetString("Status")),
        Enum.Parse<SuggestionStatus>(row.GetString("PreviousStatus")),
        row.GetString("Note"),
        row.GetString("Department"),
        row.GetString("Rating"),
        row.GetDateTimeOffset("OccurredAt")!.Value);
}
