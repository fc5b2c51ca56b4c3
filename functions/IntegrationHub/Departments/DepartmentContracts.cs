using System.Text.Json.Nodes;
using IntegrationHub.Contracts;

namespace IntegrationHub.Departments;

/// <summary>
/// The canonical application every adapter translates from. Identity fields are validated before they get
/// here (GB 11643 checksum, code tables); sex and birth date are derived from the ID number.
/// </summary>
internal sealed record CanonicalApplication(
    string ApplicationId,
    string ItemCode,
    string HandoffKey,
    DateTimeOffset SubmittedAt,
    Applicant Applicant,
    JsonObject Form,
    IReadOnlyList<string> Attachments,
    string? TraceParent)
{
    /// <summary>The materials to reference in the application, already uploaded to this department.</summary>
    public IReadOnlyList<MaterialReference> Materials { get; init; } = [];
}

/// <summary>The applicant. <see cref="SexCode"/> is GB/T 2261.1, <see cref="EthnicityCode"/> GB 3304, <see cref="DistrictCode"/> GB/T 2260.</summary>
internal sealed record Applicant(
    string Name,
    string IdNumber,
    string Phone,
    string EthnicityCode,
    string DistrictCode,
    string SexCode,
    DateOnly BirthDate);

/// <summary>How one hand-off attempt ended, in the hub's terms.</summary>
internal enum HandoffOutcomeKind
{
    /// <summary>The department has it and will decide later (case number in the outcome).</summary>
    Received,

    /// <summary>An instant item: the department's first answer is the final result.</summary>
    Completed,

    /// <summary>不予受理 or another final business answer at delivery.</summary>
    Rejected,

    /// <summary>The request itself is wrong (a hub or data defect): permanent, never retried.</summary>
    Invalid,

    /// <summary>Credentials, signature or clock are wrong: permanent until configuration is fixed; never shown to the resident as a rejection.</summary>
    ConfigurationFault,

    /// <summary>Busy, 5xx, timeout, connection failure, circuit open: try again later.</summary>
    Transient,

    /// <summary>The department is in a planned maintenance window: hold until <see cref="HandoffOutcome.RetryAfter"/>, not a failure.</summary>
    Held,

    /// <summary>
    /// The department refused a supplement or withdrawal because of the case's state (not waiting for a supplement,
    /// already decided): final for that request, the application's status unchanged; never a failed hand-off.
    /// </summary>
    Conflict,
}

/// <summary>The result of one hand-off attempt. <see cref="Calls"/> are the requests it sent (none when held or invalid).</summary>
internal sealed record HandoffOutcome(
    HandoffOutcomeKind Kind,
    string? DepartmentCode = null,
    string? DepartmentMessage = null,
    string? CaseNumber = null,
    ApplicationStatus? Status = null,
    JsonObject? Result = null,
    TimeSpan? RetryAfter = null,
    string? RequestPayload = null,
    string? ResponsePayload = null,
    IReadOnlyList<DepartmentCall>? Calls = null);

/// <summary>One department's outbound side: translate and deliver. One implementation per department folder.</summary>
internal interface IDepartmentAdapter
{
    /// <summary>The department code (GA, FG, RS).</summary>
    string Department { get; }

    /// <summary>
    /// Delivers one application; retries, timeouts and the circuit breaker live in the typed client. A department that
    /// is held (<see cref="DepartmentHolds"/>) is not called: the outcome is Held with the remaining time.
    /// </summary>
    Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken);
}

/// <summary>A status the department reported later (notification, webhook, poll).</summary>
/// <param name="Department">GA, FG or RS.</param>
/// <param name="HandoffKey">The hub's idempotency key the department echoes (LSH, request_id, trans_id), if it does.</param>
/// <param name="CaseNumber">The department's case number, if given.</param>
/// <param name="Status">The unified status.</param>
/// <param name="Reason">The department's reason or opinion text.</param>
/// <param name="OccurredAt">When the department says it happened.</param>
/// <param name="EventKey">What makes a repeat of this report recognisable (event id, or case + status + time).</param>
/// <param name="DepartmentCode">The department's own status code, kept for operators.</param>
/// <param name="Calls">For a report the hub asked for: the requests that brought it, and earlier ones that brought nothing new.</param>
internal sealed record DepartmentStatusReport(
    string Department,
    string? HandoffKey,
    string? CaseNumber,
    ApplicationStatus Status,
    string? Reason,
    DateTimeOffset OccurredAt,
    string EventKey,
    string DepartmentCode,
    IReadOnlyList<DepartmentCall>? Calls = null)
{
    /// <summary>With <see cref="ApplicationStatus.SupplementRequired"/>: the catalog material codes the department wants (may be empty).</summary>
    public IReadOnlyList<string> MissingMaterials { get; init; } = [];
}

/// <summary>What applying a department report did.</summary>
internal enum ReportOutcome
{
    Applied,
    Duplicate,
    Stale,
    UnknownApplication,
}

/// <summary>Where adapters hand inbound status reports; implemented by the Applications slice.</summary>
internal interface IDepartmentStatusSink
{
    Task<ReportOutcome> ApplyAsync(DepartmentStatusReport report, CancellationToken cancellationToken);
}

/// <summary>What asking a department about one case gave.</summary>
/// <param name="Report">The case's status as a report, or null when there is nothing new (still in progress).</param>
/// <param name="RetryAfter">Ask again no sooner than this (busy, maintenance window); null for the usual interval.</param>
/// <param name="DepartmentCode">The department's answer code, for the log.</param>
/// <param name="Calls">The requests the question sent (none when it was held or spaced out without calling).</param>
internal sealed record StatusQueryResult(
    DepartmentStatusReport? Report,
    TimeSpan? RetryAfter = null,
    string? DepartmentCode = null,
    IReadOnlyList<DepartmentCall>? Calls = null);

/// <summary>
/// A department the hub asks about a delivered case: 人社 (decisions are only polled) and 房管 (reconciliation when
/// no webhook arrives). The hub schedules the questions per case; the adapter never asks more often than allowed.
/// </summary>
internal interface IDepartmentStatusQuery
{
    /// <summary>The department code (FG, RS).</summary>
    string Department { get; }

    /// <summary>How long after delivery, or after the last news, the hub asks about a case.</summary>
    TimeSpan Interval { get; }

    /// <summary>Asks about one case. Transient failures return a result with <see cref="StatusQueryResult.RetryAfter"/>, never throw.</summary>
    Task<StatusQueryResult> QueryAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken);
}
