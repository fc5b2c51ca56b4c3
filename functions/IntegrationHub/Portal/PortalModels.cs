using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;

namespace IntegrationHub.Portal;

internal sealed record SignInRequest(string User, string Password);

internal sealed record SessionView(string User, string Role, string? Scope = null);

internal sealed record HandoffSummary(
    string ApplicationId,
    string ItemCode,
    string ItemName,
    string Department,
    ApplicationStatus Status,
    HandoffState Handoff,
    string? CaseNumber,
    string ApplicantName,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    int FailedAttempts,
    bool Unacknowledged);

internal sealed record HandoffList(int Total, IReadOnlyList<HandoffSummary> Items);

/// <summary>
/// A timeline entry for operators. <see cref="Summary"/> is the stored English sentence; <see cref="Title"/>,
/// <see cref="Text"/>, <see cref="OutcomeLabel"/> and <see cref="StatusLabel"/> are the same step in Chinese, made from
/// the entry's fields by <see cref="PortalText"/>.
/// </summary>
internal sealed record PortalTimelineEntry(
    int Sequence,
    DateTimeOffset At,
    string Kind,
    string Summary,
    string? Status,
    string? Outcome,
    long? DurationMs,
    string? DepartmentCode,
    string? DepartmentMessage,
    string? CaseNumber,
    string? TraceId,
    string? RequestPayload,
    string? ResponsePayload,
    string? Actor,
    int? CallCount = null,
    IReadOnlyList<DepartmentCall>? Calls = null,
    string? Title = null,
    string? Text = null,
    string? OutcomeLabel = null,
    string? StatusLabel = null,
    string? TraceUrl = null);

/// <summary>A personal field an operator may reveal (with a reason): <c>idNumber</c>, <c>form.tenants[0].name</c>, <c>result.certificate_no</c>.</summary>
internal sealed record RevealableField(string Field, string Label);

/// <summary>
/// One application for operators: every personal value masked; none at all once retention erased them (<see cref="ErasedAt"/>).
/// <see cref="FormFields"/> is <see cref="Form"/> read through the item's schema: titles and code meanings from the catalog.
/// </summary>
internal sealed record HandoffDetail(
    HandoffSummary Summary,
    string? ApplicantIdNumber,
    string? ApplicantPhone,
    JsonNode? Form,
    JsonNode? Result,
    string? Reason,
    string? TraceParent,
    IReadOnlyList<RevealableField> Revealable,
    DateTimeOffset? ErasedAt,
    IReadOnlyList<PortalTimelineEntry> Timeline,
    IReadOnlyList<DepartmentCall>? UnwrittenCalls = null,
    IReadOnlyList<FormFieldText>? FormFields = null,
    IReadOnlyList<MaterialView>? Materials = null,
    SupplementWanted? Supplement = null);

internal sealed record DepartmentCounts(string Department, string Name, IReadOnlyDictionary<string, int> Counts, bool CircuitOpen);

internal sealed record HourCount(DateTimeOffset Hour, int Submitted, int Failed);

internal sealed record Dashboard(IReadOnlyList<DepartmentCounts> Departments, IReadOnlyList<HourCount> Hours, int Unacknowledged);

internal sealed record ReasonRequest(string Reason);

internal sealed record RevealRequest(string Field, string Reason);

internal sealed record RevealView(string Field, string Value);

internal sealed record BulkReplayRequest(string? Department, string? ItemCode);

internal sealed record ReplayResult(int Replayed, IReadOnlyList<string> ApplicationIds, IReadOnlyList<string> Skipped);

internal sealed record AuditEntry(DateTimeOffset At, string User, string Role, string Action, string Target, string? Reason, string? Detail);

internal sealed record AuditList(IReadOnlyList<AuditEntry> Entries);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(HandoffList))]
[JsonSerializable(typeof(HandoffDetail))]
[JsonSerializable(typeof(Dashboard))]
[JsonSerializable(typeof(ReasonRequest))]
[JsonSerializable(typeof(RevealRequest))]
[JsonSerializable(typeof(RevealView))]
[JsonSerializable(typeof(BulkReplayRequest))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(AuditList))]
internal sealed partial class PortalJsonContext : JsonSerializerContext;

/// <summary>The portal's JSON with readable Chinese, like the platform API's.</summary>
internal static class PortalJson
{
    private static readonly JsonSerializerOptions Options = new(PortalJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> Info<T>() =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
