using Azure;
using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>The common columns of every row the store keeps beside the applications.</summary>
internal abstract class IndexRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ApplicationId { get; set; } = "";
}

/// <summary>
/// A hand-off that has not ended (work table, <c>p{id}</c>): written before the application, so the sweep can find and
/// re-send one a crash stranded; carries what the portal searches and counts while the application waits for its first step.
/// </summary>
internal sealed class PendingEntity : IndexRow
{
    public string Department { get; set; } = "";
    public string Platform { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public string Handoff { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the hand-off message becomes visible in the queue; the sweep re-sends it once it is overdue.</summary>
    public DateTimeOffset VisibleAt { get; set; }
    public string IdNumberHash { get; set; } = "";
    public string NameHash { get; set; } = "";
    public string? TraceParent { get; set; }
}

/// <summary>
/// A step's promise (work table, <c>i{id}-{step}</c>): what must follow the step's transaction (feed events, counters,
/// index rows), written before the transaction and deleted in the same transaction that applies the last of it, so the
/// sweep can finish a step a crash interrupted.
/// </summary>
internal sealed class IntentEntity : IndexRow
{
    public string Step { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The effects as JSON (<see cref="StepEffects"/>).</summary>
    public string Effects { get; set; } = "";
    public string? TraceParent { get; set; }
}

/// <summary>A member of a small set the portal lists (work table): awaiting acknowledgement, failed, resolved.</summary>
internal sealed class MemberEntity : IndexRow
{
    public string Department { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
}

/// <summary>Where a feed reader (the webhook pump, the topic) has delivered to, and which instance holds its lease.</summary>
internal sealed class CursorEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long DeliveredThrough { get; set; }
    public string Owner { get; set; } = "";
    public DateTimeOffset LeaseUntil { get; set; }
}

/// <summary>
/// When the hub next asks a department about a delivered case (work table, <c>u{id}</c>). Also carries the status
/// queries that brought nothing new and are not on the timeline yet (JSON, folded).
/// </summary>
internal sealed class FollowUpEntity : IndexRow
{
    public string Department { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }
    public string? Calls { get; set; }
}

/// <summary>An application that closed, keyed by when (retention table): erasing what is due is one range read.</summary>
internal sealed class RetentionEntity : IndexRow
{
    public DateTimeOffset DueAt { get; set; }
}

/// <summary>A department's case number (lookup table, partition the department).</summary>
internal sealed class CaseEntity : IndexRow
{
    public string Platform { get; set; } = "";
}

/// <summary>Wrong passwords of one portal account and its lock (lookup table, portal partition).</summary>
internal sealed class LockoutEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Account { get; set; } = "";
    public int Failures { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>An audit log entry (audit table, newest first).</summary>
internal sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset At { get; set; }
    public string User { get; set; } = "";
    public string Role { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string? Reason { get; set; }
    public string? Detail { get; set; }
}
