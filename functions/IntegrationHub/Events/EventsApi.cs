using IntegrationHub.Appointments;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Events;

/// <summary>
/// The pull feed: <c>GET /api/v1/events?after=&lt;cursor&gt;&amp;limit=n</c>, the caller's events only, oldest first. A cursor
/// is a position; positions have no gaps and commit in order (<see cref="EventFeed"/>), so reading on from the last cursor
/// never skips an event that committed later.
/// </summary>
internal sealed class EventsApi(EventFeed feed, PlatformAuth auth)
{
    private const int DefaultLimit = 100;

    public async Task<Results<JsonHttpResult<EventPage>, ProblemHttpResult>> ListAsync(HttpRequest request, CancellationToken cancellationToken)
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

        var rows = await feed.ReadAsync(platform.Name, after, limit, cancellationToken);
        return TypedResults.Json(new EventPage([.. rows.Select(ToHubEvent)], rows.Count > 0 ? rows[^1].RowKey : after.Length > 0 ? after : null),
            HubJson.Info<EventPage>());
    }

    /// <summary>A feed row as the platform sees it; issue 12: the feed also holds suggestion events, told apart by their type.</summary>
    public static HubEvent ToHubEvent(EventEntity row) =>
        SuggestionFeed.Is(row) ? SuggestionFeed.ToEvent(row) : AppointmentFeed.Is(row) ? AppointmentFeed.ToEvent(row)
            : row.Type == EventEntity.ApplicationStepType ? ToStep(row) : ToEvent(row);

    /// <summary>Issue 11: a supplement or withdrawal the department took, or refused for the case's state.</summary>
    public static ApplicationStep ToStep(EventEntity row) =>
        new(row.EventId, row.RowKey, row.ApplicationId, row.ItemCode, row.Step!, row.ApplicationStates().Status, row.CaseNumber, row.Reason, row.OccurredAt);

    public static ApplicationStatusChanged ToEvent(EventEntity row)
    {
        var (status, previous) = row.ApplicationStates();
        return new(row.EventId, row.RowKey, row.ApplicationId, row.ItemCode, status, previous, row.CaseNumber, row.Reason, row.OccurredAt);
    }
}
