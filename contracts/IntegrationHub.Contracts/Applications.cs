using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>The body of <c>POST /api/v1/applications</c>.</summary>
/// <param name="ItemCode">An online item's code, e.g. <c>GA-001</c>.</param>
/// <param name="Applicant">Who applies.</param>
/// <param name="Form">The item-specific form, valid against the item's form schema.</param>
/// <param name="Attachments">References to material the platform already holds (at most 10).</param>
public sealed record SubmitApplication(string ItemCode, ApplicantInput Applicant, JsonObject Form, IReadOnlyList<string>? Attachments)
{
    /// <summary>The electronic materials (issue 11), uploaded first with <c>POST /api/v1/materials</c>; see the item's <c>materials</c>.</summary>
    public IReadOnlyList<MaterialInput>? Materials { get; init; }
}

/// <summary>The common applicant part. Sex and birth date are derived from the ID number.</summary>
/// <param name="Name">Full name.</param>
/// <param name="IdNumber">Citizen ID number, GB 11643-1999.</param>
/// <param name="Phone">Mobile phone, 11 digits.</param>
/// <param name="Ethnicity">GB 3304 two-digit code.</param>
/// <param name="District">GB/T 2260 Xuzhou division code.</param>
public sealed record ApplicantInput(string Name, string IdNumber, string Phone, string Ethnicity, string District);

/// <summary>The answer to an accepted submission.</summary>
/// <param name="ApplicationId">The hub's id of the application.</param>
/// <param name="Status">Its status now.</param>
/// <param name="Location">Where to read its status and timeline.</param>
public sealed record ApplicationAccepted(string ApplicationId, ApplicationStatus Status, string Location);

/// <summary>An application's unified status and full timeline.</summary>
/// <param name="ApplicationId">The hub's id.</param>
/// <param name="ItemCode">The item applied for.</param>
/// <param name="Department">The department that handles it.</param>
/// <param name="Status">The unified status.</param>
/// <param name="Handoff">Where the hand-off to the department stands.</param>
/// <param name="CaseNumber">The department's case number, once known.</param>
/// <param name="Reason">The department's latest reason or opinion.</param>
/// <param name="Result">An instant item's result, as the department gave it.</param>
/// <param name="ApplicantName">The applicant's name, masked.</param>
/// <param name="SubmittedAt">When the hub accepted it.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Timeline">Every step, oldest first.</param>
public sealed record ApplicationView(
    string ApplicationId,
    string ItemCode,
    string Department,
    ApplicationStatus Status,
    HandoffState Handoff,
    string? CaseNumber,
    string? Reason,
    JsonObject? Result,
    string ApplicantName,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TimelineEntry> Timeline)
{
    /// <summary>The materials the application carries (name, type, size; never their content), supplements included.</summary>
    public IReadOnlyList<MaterialView> Materials { get; init; } = [];

    /// <summary>What the department's 补正 asks for, in the resident's terms; absent when it asked for none.</summary>
    public SupplementWanted? Supplement { get; init; }
}

/// <summary>One step in an application's life.</summary>
/// <param name="Sequence">Order within the application, from 1.</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind"><c>received</c>, <c>attempt</c>, <c>status</c>, <c>platform-notified</c>, <c>handoff-failed</c> …</param>
/// <param name="Summary">A one-line description.</param>
/// <param name="Status">The status after this step, for status steps.</param>
/// <param name="Outcome">For attempts: the outcome class.</param>
/// <param name="DurationMs">For attempts: how long the department took.</param>
/// <param name="DepartmentCode">The department's own code.</param>
/// <param name="DepartmentMessage">The department's own message.</param>
/// <param name="CaseNumber">A case number learnt in this step.</param>
/// <param name="TraceId">The W3C trace id of the work.</param>
public sealed record TimelineEntry(
    int Sequence,
    DateTimeOffset At,
    string Kind,
    string Summary,
    ApplicationStatus? Status = null,
    string? Outcome = null,
    long? DurationMs = null,
    string? DepartmentCode = null,
    string? DepartmentMessage = null,
    string? CaseNumber = null,
    string? TraceId = null);

/// <summary>An application's status changed. Sent to the platform's webhook and readable from the event feed (<c>type</c> <c>application-status-changed</c>).</summary>
/// <param name="EventId">Unique id; a repeat delivery carries the same id.</param>
/// <param name="Cursor">Position in the caller's feed; pass it as <c>after</c> to read on.</param>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemCode">The item.</param>
/// <param name="Status">The new status.</param>
/// <param name="PreviousStatus">The status before.</param>
/// <param name="CaseNumber">The department's case number, once known.</param>
/// <param name="Reason">The department's reason or opinion.</param>
/// <param name="OccurredAt">When the change happened.</param>
public sealed record ApplicationStatusChanged(
    string EventId,
    string Cursor,
    string ApplicationId,
    string ItemCode,
    ApplicationStatus Status,
    ApplicationStatus PreviousStatus,
    string? CaseNumber,
    string? Reason,
    DateTimeOffset OccurredAt) : HubEvent;

/// <summary>
/// Issue 11: a step of an application that changes no status reached its department, or the department refused it for the
/// case's state. Sent to the platform's webhook and readable from the event feed (<c>type</c> <c>application-step</c>).
/// </summary>
/// <param name="EventId">Unique id; a repeat delivery carries the same id.</param>
/// <param name="Cursor">Position in the caller's feed; pass it as <c>after</c> to read on.</param>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemCode">The item.</param>
/// <param name="Step"><c>supplement-delivered</c>, <c>supplement-conflict</c>, <c>withdrawal-delivered</c> or <c>withdrawal-conflict</c>
/// (a conflict: the department did not take it for the case's state; the status then comes from the department's reports).</param>
/// <param name="Status">The application's status, unchanged by the step.</param>
/// <param name="CaseNumber">The department's case number.</param>
/// <param name="Reason">The department's message, with its code for a conflict.</param>
/// <param name="OccurredAt">When the step happened.</param>
public sealed record ApplicationStep(
    string EventId,
    string Cursor,
    string ApplicationId,
    string ItemCode,
    string Step,
    ApplicationStatus Status,
    string? CaseNumber,
    string? Reason,
    DateTimeOffset OccurredAt) : HubEvent;

/// <summary>
/// One event of the platform's feed and webhook. <c>type</c> tells which: <c>application-status-changed</c>
/// (<see cref="ApplicationStatusChanged"/>), <c>application-step</c> (<see cref="ApplicationStep"/>), <c>suggestion-changed</c> (<see cref="SuggestionChanged"/>) or
/// <c>appointment-changed</c> (<see cref="AppointmentChanged"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ApplicationStatusChanged), "application-status-changed")]
[JsonDerivedType(typeof(ApplicationStep), "application-step")]
[JsonDerivedType(typeof(SuggestionChanged), "suggestion-changed")]
[JsonDerivedType(typeof(AppointmentChanged), "appointment-changed")]
public abstract record HubEvent;

/// <summary>A page of the event feed.</summary>
/// <param name="Events">Oldest first.</param>
/// <param name="Next">The cursor to pass as <c>after</c> for the next page (the last event's, or the one given).</param>
public sealed record EventPage(IReadOnlyList<HubEvent> Events, string? Next);
