using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>
/// The unified status of an application, following the licensing lifecycle
/// (受理, 不予受理, 补正, 审核中, 办结·准予, 办结·不予) whichever department handles it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApplicationStatus>))]
public enum ApplicationStatus
{
    /// <summary>Accepted by the hub, not yet delivered to the department.</summary>
    Submitted,

    /// <summary>The department received it (case number known); no intake decision yet.</summary>
    Delivered,

    /// <summary>受理: the department accepted the application.</summary>
    Accepted,

    /// <summary>补正: the department asks for more material.</summary>
    SupplementRequired,

    /// <summary>审核中: under review.</summary>
    InReview,

    /// <summary>不予受理: rejected at intake. Final.</summary>
    Rejected,

    /// <summary>办结·准予: approved. Final.</summary>
    Approved,

    /// <summary>办结·不予: denied. Final.</summary>
    Denied,

    /// <summary>已撤回: the resident withdrew before the decision. Final.</summary>
    Withdrawn,
}

/// <summary>Where the hand-off to the department stands, for operators and the platform.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HandoffState>))]
public enum HandoffState
{
    /// <summary>Queued for its first hand-off attempt.</summary>
    Waiting,

    /// <summary>An attempt failed transiently; another will follow.</summary>
    Retrying,

    /// <summary>Held while the department is in its planned maintenance window; not a failure.</summary>
    Held,

    /// <summary>The department has it.</summary>
    Delivered,

    /// <summary>The hand-off failed for good; an operator can replay or resolve it.</summary>
    Failed,

    /// <summary>An operator closed it by hand.</summary>
    Resolved,
}
