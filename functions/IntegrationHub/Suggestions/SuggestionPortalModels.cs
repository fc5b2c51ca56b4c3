using System.Text.Json;
using System.Text.Json.Serialization;
using IntegrationHub.Contracts;

namespace IntegrationHub.Suggestions;

/// <summary>One suggestion in a portal queue: the contact masked, the time left on the 24-hour clock.</summary>
internal sealed record PortalSuggestionSummary(
    string SuggestionId,
    string Community,
    string CommunityName,
    string Street,
    string Category,
    SuggestionStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset DueAt,
    long SecondsLeft,
    bool ClockRunning,
    bool Warned,
    bool Breached,
    bool? OnTime,
    string? ContactName,
    string ContactPhone,
    int Photos,
    string? AcceptedBy);

/// <summary>A queue: whom it is for (a community, a street, or every community) and the suggestions in order.</summary>
internal sealed record PortalSuggestionList(string Scope, string ScopeName, IReadOnlyList<string> Communities, int Total, IReadOnlyList<PortalSuggestionSummary> Items);

/// <summary>One suggestion for the portal, with what the signed-in user may do next.</summary>
internal sealed record PortalSuggestionDetail(PortalSuggestionSummary Summary, SuggestionView View, IReadOnlyList<string> AllowedSteps, bool CanReveal);

internal sealed record PortalStepRequest(string Step, string? Note, string? Department);

internal sealed record PortalRevealRequest(string Field, string Reason);

internal sealed record PortalRevealView(string Field, string Value);

/// <summary>One community's week: suggestions submitted, answered within 24 hours, and the rate (null with none due yet).</summary>
internal sealed record WeekOnTime(DateOnly WeekStart, int Submitted, int Due, int OnTime, double? Rate);

internal sealed record CommunityOnTime(string Community, string Name, IReadOnlyList<WeekOnTime> Weeks);

/// <summary>The on-time rate per community per week (weeks start on Monday, +08:00), oldest week first.</summary>
internal sealed record OnTimeStats(IReadOnlyList<DateOnly> Weeks, IReadOnlyList<CommunityOnTime> Communities);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResidentPart))]
[JsonSerializable(typeof(PortalSuggestionList))]
[JsonSerializable(typeof(PortalSuggestionDetail))]
[JsonSerializable(typeof(PortalStepRequest))]
[JsonSerializable(typeof(PortalRevealRequest))]
[JsonSerializable(typeof(PortalRevealView))]
[JsonSerializable(typeof(OnTimeStats))]
internal sealed partial class SuggestionJsonContext : JsonSerializerContext;

/// <summary>The suggestion portal's JSON with readable Chinese, like the rest of the portal.</summary>
internal static class SuggestionJson
{
    private static readonly JsonSerializerOptions Options = new(SuggestionJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> Info<T>() =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
