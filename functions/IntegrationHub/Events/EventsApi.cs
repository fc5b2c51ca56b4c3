using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Events;

/// <summary>The pull feed: <c>GET /api/v1/events?after=&lt;cursor&gt;&amp;limit=n</c>, the caller's events only, oldest first.</summary>
public sealed class EventsApi(HubTables tables, PlatformAuth auth)
{
    private const int DefaultLimit = 100;

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var after = request.Query["after"].ToString();
        if (after.Length > 100 || after.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return Problems.Field("after", "must be a cursor returned by this feed.");
        }

        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
        {
            return Problems.Field("limit", "must be an integer from 1 to 1000.");
        }

        var feed = await tables.Events();
        var events = new List<HubEvent>();
        await foreach (var row in feed.QueryAsync<TableEntity>(e => e.PartitionKey == platform.Name && e.RowKey.CompareTo(after) > 0,
            maxPerPage: limit, cancellationToken: cancellationToken))
        {
            // Issue 12: suggestion events share the feed, told apart by their Type column.
            events.Add(SuggestionFeed.Is(row) ? SuggestionFeed.ToEvent(row) : ToEvent(row));
            if (events.Count == limit)
            {
                break;
            }
        }

        return Results.Json(new EventPage(events, events.Count > 0 ? CursorOf(events[^1]) : after.Length > 0 ? after : null),
            HubJson.Info<EventPage>());
    }

    private static string CursorOf(HubEvent e) => e switch
    {
        SuggestionChanged s => s.Cursor,
        ApplicationStatusChanged a => a.Cursor,
        _ => throw new InvalidOperationException($"Unknown event {e.GetType().Name}."),
    };

    /// <summary>An application event from a feed row read without a type (the feed also holds suggestion events).</summary>
    public static ApplicationStatusChanged ToEvent(TableEntity row) => new(
        row.GetString(nameof(EventEntity.EventId)),
        row.RowKey,
        row.GetString(nameof(EventEntity.ApplicationId)),
        row.GetString(nameof(EventEntity.ItemCode)),
        Enum.Parse<ApplicationStatus>(row.GetString(nameof(EventEntity.Status))),
        Enum.Parse<ApplicationStatus>(row.GetString(nameof(EventEntity.PreviousStatus))),
        row.GetString(nameof(EventEntity.CaseNumber)),
        row.GetString(nameof(EventEntity.Reason)),
        row.GetDateTimeOffset(nameof(EventEntity.OccurredAt))!.Value);

    public static ApplicationStatusChanged ToEvent(EventEntity row) => new(
        row.EventId,
        row.RowKey,
        row.ApplicationId,
        row.ItemCode,
        Enum.Parse<ApplicationStatus>(row.Status),
        Enum.Parse<ApplicationStatus>(row.PreviousStatus),
        row.CaseNumber,
        row.Reason,
        row.OccurredAt);
}
