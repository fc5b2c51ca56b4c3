using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>Where a resident's suggestion (社区建议) stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SuggestionStatus>))]
public enum SuggestionStatus
{
    /// <summary>Received by the hub; the community has not accepted it yet. The 24-hour clock runs.</summary>
    Submitted,

    /// <summary>受理: a named community worker accepted it. Acceptance alone does not stop the 24-hour clock.</summary>
    Accepted,

    /// <summary>进展反馈: the community reported progress (repeatable).</summary>
    InProgress,

    /// <summary>结果反馈: the community reported the result; waiting for the resident's rating.</summary>
    Resolved,

    /// <summary>转办: handed to a named department with the reason; waiting for the resident's rating.</summary>
    Transferred,

    /// <summary>The resident was not satisfied (不满意) the first time: the community handles it again.</summary>
    Reopened,

    /// <summary>Closed after the resident's rating. Final.</summary>
    Closed,
}

/// <summary>A point given by the resident's phone (WGS-84 as the phone reports it).</summary>
/// <param name="Latitude">Degrees, -90 to 90.</param>
/// <param name="Longitude">Degrees, -180 to 180.</param>
public sealed record GeoPoint(double Latitude, double Longitude);

/// <summary>How to reach the resident about the suggestion. Kept sealed; always shown masked.</summary>
/// <param name="Name">The resident's name (1-50 characters).</param>
/// <param name="Phone">Mobile phone, 11 digits.</param>
public sealed record ResidentContact(string? Name, string Phone);

/// <summary>The JSON part (<c>suggestion</c>) of <c>POST /api/v1/suggestions</c>.</summary>
/// <param name="CommunityCode">A community's code from <c>GET /api/v1/communities</c>.</param>
/// <param name="Category">One of 环境卫生, 设施维修, 安全隐患, 邻里纠纷, 物业管理, 其他.</param>
/// <param name="Text">What the resident saw, 1-500 characters.</param>
/// <param name="Address">Where, in words (optional, up to 200 characters).</param>
/// <param name="Location">Where, as a point (optional).</param>
/// <param name="Contact">How to reach the resident.</param>
public sealed record SubmitSuggestion(string CommunityCode, string Category, string Text, string? Address, GeoPoint? Location, ResidentContact Contact);

/// <summary>The answer to an accepted suggestion.</summary>
/// <param name="SuggestionId">The hub's id of the suggestion.</param>
/// <param name="Status">Its status now.</param>
/// <param name="Location">Where to read it.</param>
public sealed record SuggestionAccepted(string SuggestionId, SuggestionStatus Status, string Location);

/// <summary>The resident's rating, sent by the platform: <c>POST /api/v1/suggestions/{id}/rating</c>.</summary>
/// <param name="Rating">满意, 基本满意 or 不满意.</param>
/// <param name="Comment">The resident's words (optional, up to 200 characters).</param>
public sealed record RateSuggestion(string Rating, string? Comment);

/// <summary>The 24-hour rule: accepted and answered (a result, a transfer, or progress after acceptance) within 24 hours.</summary>
/// <param name="StartedAt">Submission.</param>
/// <param name="WarnAt">When the warning falls due (20 hours).</param>
/// <param name="DueAt">When the answer is due (24 hours).</param>
/// <param name="StoppedAt">The first answer that stopped the clock, if any.</param>
/// <param name="Warned">The 20-hour warning was given.</param>
/// <param name="Breached">No answer came within 24 hours: flagged and escalated to the street's supervisor.</param>
/// <param name="OnTime">Answered within 24 hours; null while the clock runs.</param>
public sealed record SuggestionClock(DateTimeOffset StartedAt, DateTimeOffset WarnAt, DateTimeOffset DueAt, DateTimeOffset? StoppedAt, bool Warned, bool Breached, bool? OnTime);

/// <summary>One photo, re-encoded as JPEG without metadata, behind a short-lived signed link.</summary>
/// <param name="Index">Its position, from 0.</param>
/// <param name="Url">A relative link that works until <paramref name="ExpiresAt"/>; never a storage URL.</param>
/// <param name="ExpiresAt">When the link stops working; read the suggestion again for a fresh one.</param>
/// <param name="Width">Pixels.</param>
/// <param name="Height">Pixels.</param>
public sealed record SuggestionPhoto(int Index, string Url, DateTimeOffset ExpiresAt, int Width, int Height);

/// <summary>One step in a suggestion's life.</summary>
/// <param name="Sequence">Order, from 1.</param>
/// <param name="At">When.</param>
/// <param name="Step"><c>submitted</c>, <c>accepted</c>, <c>progress</c>, <c>resolved</c>, <c>transferred</c>, <c>rated</c>,
/// <c>deadline-warning</c>, <c>deadline-breached</c>.</param>
/// <param name="Status">The status after the step.</param>
/// <param name="Summary">A one-line description.</param>
/// <param name="Note">The community's feedback, the transfer's reason, or the resident's comment.</param>
/// <param name="Actor">The community worker who took the step.</param>
/// <param name="Department">For a transfer: the department it went to.</param>
/// <param name="Rating">For a rating: 满意, 基本满意 or 不满意.</param>
public sealed record SuggestionStep(
    int Sequence,
    DateTimeOffset At,
    string Step,
    SuggestionStatus Status,
    string Summary,
    string? Note = null,
    string? Actor = null,
    string? Department = null,
    string? Rating = null);

/// <summary>A suggestion with its whole timeline.</summary>
/// <param name="SuggestionId">The hub's id.</param>
/// <param name="CommunityCode">The community that handles it.</param>
/// <param name="CommunityName">Its name.</param>
/// <param name="Category">The category.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Text">The resident's words; absent once erased by retention.</param>
/// <param name="Address">Where, in words.</param>
/// <param name="Location">Where, as a point.</param>
/// <param name="ContactName">The resident's name, masked.</param>
/// <param name="ContactPhone">The resident's phone, masked.</param>
/// <param name="SubmittedAt">When the hub accepted it.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Clock">The 24-hour rule.</param>
/// <param name="Rating">The resident's last rating.</param>
/// <param name="Photos">The photos, behind short-lived links.</param>
/// <param name="Timeline">Every step, oldest first.</param>
/// <param name="ErasedAt">When retention erased the resident's words, address, location, contact and photos.</param>
public sealed record SuggestionView(
    string SuggestionId,
    string CommunityCode,
    string CommunityName,
    string Category,
    SuggestionStatus Status,
    string? Text,
    string? Address,
    GeoPoint? Location,
    string? ContactName,
    string ContactPhone,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    SuggestionClock Clock,
    string? Rating,
    IReadOnlyList<SuggestionPhoto> Photos,
    IReadOnlyList<SuggestionStep> Timeline,
    DateTimeOffset? ErasedAt = null);

/// <summary>A suggestion took a step. Sent to the platform's webhook and readable from the event feed (<c>type</c> <c>suggestion-changed</c>).</summary>
/// <param name="EventId">Unique id; a repeat delivery carries the same id.</param>
/// <param name="Cursor">Position in the caller's feed.</param>
/// <param name="SuggestionId">The suggestion.</param>
/// <param name="CommunityCode">Its community.</param>
/// <param name="Step">The step, as in the timeline.</param>
/// <param name="Status">The status after the step.</param>
/// <param name="PreviousStatus">The status before.</param>
/// <param name="Note">The community's feedback or reason, if any.</param>
/// <param name="Department">For a transfer: the department.</param>
/// <param name="Rating">For a rating: the rating.</param>
/// <param name="OccurredAt">When.</param>
public sealed record SuggestionChanged(
    string EventId,
    string Cursor,
    string SuggestionId,
    string CommunityCode,
    string Step,
    SuggestionStatus Status,
    SuggestionStatus PreviousStatus,
    string? Note,
    string? Department,
    string? Rating,
    DateTimeOffset OccurredAt) : HubEvent;
