using Microsoft.Extensions.Logging;

namespace IntegrationHub.Suggestions;

/// <summary>The suggestions slice's log lines (event ids 12000–12999, docs/telemetry.md): ids and codes only, never the resident's data.</summary>
internal static partial class SuggestionsLog
{
    [LoggerMessage(EventId = 12001, Level = LogLevel.Information, Message = "Received suggestion {SuggestionId} for community {Community} with {Photos} photos")]
    public static partial void Received(ILogger logger, string suggestionId, string community, int photos);

    [LoggerMessage(EventId = 12002, Level = LogLevel.Warning, Message = "Suggestion {SuggestionId} of community {Community}: {Step}")]
    public static partial void Clock(ILogger logger, string suggestionId, string step, string community);

    [LoggerMessage(EventId = 12003, Level = LogLevel.Information, Message = "Retention erased the resident's data of suggestion {SuggestionId}")]
    public static partial void Erased(ILogger logger, string suggestionId);
}
