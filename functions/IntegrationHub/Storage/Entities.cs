using Azure;
using Azure.Data.Tables;
using IntegrationHub.Contracts;

namespace IntegrationHub.Storage;

/// <summary>
/// An application's main row (RowKey the application id, see <see cref="Keys"/>). The resident's submission and the
/// department's result are sealed (Privacy/EnvelopeCipher); only masks and keyed hashes of the ID number and name are kept
/// readable.
/// </summary>
internal sealed class ApplicationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Platform { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public string Department { get; set; } = "";
    public string HandoffKey { get; set; } = "";
    // States are typed from here on: the table SDK writes an enum as its name and parses it back when it reads the row, so
    // the stored form stays the name and no code past this entity parses a state again.
    public ApplicationStatus Status { get; set; }
    public HandoffState Handoff { get; set; }
    public string? CaseNumber { get; set; }
    public string? Reason { get; set; }

    /// <summary>The applicant, form and attachment references as submitted, sealed; null once retention erased them.</summary>
    public byte[]? SealedPersonalData { get; set; }

    /// <summary>An instant item's result as the department gave it, sealed; null when there is none or once erased.</summary>
    public byte[]? SealedResult { get; set; }
    public string ApplicantNameMasked { get; set; } = "";

    /// <summary>The keyed hash that finds an application by a full ID number; emptied with the personal data.</summary>
    public string IdNumberHash { get; set; } = "";

    /// <summary>The keyed hash that finds an application by the applicant's exact name; emptied with the personal data.</summary>
    public string NameHash { get; set; } = "";

    /// <summary>Whether the lookup rows that find this application by ID number and name are written (by its first step).</summary>
    public bool Indexed { get; set; }
    public string BodyHash { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastReportAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When the hand-off last failed; kept after a replay or resolve so the dashboard's history stays true.</summary>
    public DateTimeOffset? LastFailedAt { get; set; }
    public int TimelineCount { get; set; }

    /// <summary>The timeline sequence of the last hand-off attempt, the one a replay names.</summary>
    public int? LastAttempt { get; set; }
    public int FailedAttempts { get; set; }
    public string? TraceParent { get; set; }

    /// <summary>When the application reached a final status or its failed hand-off was resolved: the retention clock starts.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>When retention erased the personal data (the masked timeline stays).</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    // Issue 11: materials, 补正 and 撤回. No personal data in the plain columns: material ids, codes, types, sizes,
    // hashes and the department's file ids; the resident's note or reason is sealed.

    /// <summary>The materials the application carries, as JSON (Applications/ApplicationMaterials): the department's file id once uploaded.</summary>
    public string? Materials { get; set; }

    /// <summary>The catalog material codes the department's 补正 asks for, comma-separated (empty: none named); null when none was asked.</summary>
    public string? SupplementWanted { get; set; }

    /// <summary>The department's 补正 text, kept as it was when it asked.</summary>
    public string? SupplementNote { get; set; }

    /// <summary>When the resident answered the 补正 (once per case).</summary>
    public DateTimeOffset? SupplementAnsweredAt { get; set; }

    /// <summary>The request after the application being delivered: <c>supplement</c> or <c>withdrawal</c>; null when none.</summary>
    public string? CaseRequest { get; set; }

    /// <summary>Pending, Delivered, Conflict, Failed or (a withdrawal before the hand-off reached the department) Cancelled.</summary>
    public string? CaseRequestState { get; set; }

    /// <summary>The fingerprint of the request's body: a repeat of the same request is answered as a replay.</summary>
    public string? CaseRequestHash { get; set; }

    /// <summary>The resident's note (supplement) or reason (withdrawal), sealed; null once retention erased it.</summary>
    public byte[]? SealedCaseRequest { get; set; }

    /// <summary>A copy that can be changed without touching this one (the sealed arrays are replaced, never changed in place).</summary>
    public ApplicationEntity Copy() => (ApplicationEntity)MemberwiseClone();
}

/// <summary>One timeline step (RowKey <c>{id}-t000001</c> …), in the application's partition.</summary>
internal sealed class TimelineEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string Kind { get; set; } = "";
    public string Summary { get; set; } = "";
    public ApplicationStatus? Status { get; set; }
    public ApplicationStatus? PreviousStatus { get; set; }
    public string? Outcome { get; set; }
    public long? DurationMs { get; set; }
    public string? DepartmentCode { get; set; }
    public string? DepartmentMessage { get; set; }
    public string? CaseNumber { get; set; }
    public string? TraceId { get; set; }
    public string? EventKey { get; set; }
    public string? RequestPayload { get; set; }
    public string? ResponsePayload { get; set; }
    public string? Actor { get; set; }

    /// <summary>How many requests to the department this step stands for: an attempt's in-client retries, folded status queries.</summary>
    public int? CallCount { get; set; }

    /// <summary>Those requests with their answers, as JSON (Departments.DepartmentCall); no personal data.</summary>
    public string? Calls { get; set; }

    /// <summary>The step that wrote this entry: what the sweep looks for to learn whether a step whose intent it found committed.</summary>
    public string? Step { get; set; }
}

/// <summary>An event in a platform's feed (PartitionKey the platform, RowKey its position: the cursor).</summary>
internal sealed class EventEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";
    public string ApplicationId { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public string Status { get; set; } = "";
    public string PreviousStatus { get; set; } = "";
    public string? CaseNumber { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The application's W3C trace context (telemetry hook, issue 14): never sent to a platform, only the webhook span's parent.</summary>
    public string? TraceParent { get; set; }

    // Issue 12: the feed also carries suggestion events. Type is null for an application's event (every row written
    // before) and "suggestion-changed" for a suggestion's, which fills the columns below and leaves ApplicationId and
    // ItemCode empty; Status and PreviousStatus then hold a SuggestionStatus.

    public string? Type { get; set; }
    public string? SuggestionId { get; set; }
    public string? Community { get; set; }
    public string? Step { get; set; }
    public string? Note { get; set; }
    public string? Department { get; set; }
    public string? Rating { get; set; }

    // Issue 13: appointment events (Type "appointment-changed") fill Community, ItemCode, Step, Status and PreviousStatus
    // (an AppointmentStatus) and the columns below.

    public string? AppointmentId { get; set; }
    public DateTimeOffset? SlotStart { get; set; }
    public DateTimeOffset? SlotEnd { get; set; }

    /// <summary>An application's status event (written before issue 12 without a type), not a suggestion's or an appointment's.</summary>
    public static bool IsApplicationEvent(EventEntity row) => row.Type is null;

    /// <summary>Issue 11: an application's step that changes no status (<see cref="Step"/> names it); the platform's <c>application-step</c>.</summary>
    public const string ApplicationStepType = "application-step";

    // Methods, not properties, so the table SDK does not store them: the one place a feed row's state names are parsed.

    /// <summary>An application's event: its status and the one before, typed.</summary>
    public (ApplicationStatus Status, ApplicationStatus Previous) ApplicationStates() =>
        (Enum.Parse<ApplicationStatus>(Status), Enum.Parse<ApplicationStatus>(PreviousStatus));

    /// <summary>A suggestion's event (issue 12): its status and the one before, typed.</summary>
    public (SuggestionStatus Status, SuggestionStatus Previous) SuggestionStates() =>
        (Enum.Parse<SuggestionStatus>(Status), Enum.Parse<SuggestionStatus>(PreviousStatus));
}
