using System.Text.Json;
using IntegrationHub.Contracts;

namespace IntegrationHub.Storage;

/// <summary>What a step hints that the store cannot tell from the application itself.</summary>
internal sealed class StepPlan
{
    public List<TimelineEntity> Entries { get; init; } = [];

    /// <summary>The hand-off message was (re)scheduled to become visible at this time; the pending row says so.</summary>
    public DateTimeOffset? HandoffVisibleAt { get; init; }

    /// <summary>When the hub next asks the department about the case (a merge of the follow-up row's due time).</summary>
    public DateTimeOffset? FollowUpDueAt { get; init; }

    public static StepPlan Of(params TimelineEntity[] entries) => new() { Entries = [.. entries] };
}

/// <summary>
/// Everything that follows a step's transaction outside the application's partition, worked out before the transaction
/// from the application before and after it, so it can be kept in the step's intent: the feed events of its status
/// entries, the counters, the portal's sets (awaiting, failed, resolved), the pending hand-off, the follow-up, the
/// retention row. Counters and sets follow from the application alone (a projection), so no caller keeps them.
/// </summary>
internal sealed record StepEffects(
    string ApplicationId,
    string Platform,
    string Department,
    IReadOnlyList<FeedEvent> Feed,
    IReadOnlyList<CounterChange> Counters,
    IReadOnlyList<SetChange> Sets,
    PendingChange? Pending,
    DateTimeOffset? FollowUpDueAt,
    DateTimeOffset? ClosedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool IsEmpty => Feed.Count == 0 && Counters.Count == 0 && Sets.Count == 0 && Pending is null && FollowUpDueAt is null && ClosedAt is null;

    /// <summary>The effects that take these back: counts negated, members removed, the pending row deleted; no events.</summary>
    public StepEffects Undone() => this with
    {
        Feed = [],
        Counters = [.. Counters.Select(c => c with { Amount = -c.Amount })],
        Sets = [.. Sets.Where(s => s.Add).Select(s => s with { Add = false })],
        Pending = Pending is { Handoff: not null } added ? added with { Handoff = null } : null,
        FollowUpDueAt = null,
        ClosedAt = null,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StepEffects FromJson(string json) => JsonSerializer.Deserialize<StepEffects>(json, Json)
        ?? throw new FormatException("An empty step intent.");

    public static StepEffects Between(ApplicationEntity? before, ApplicationEntity after, StepPlan plan, IReadOnlyList<TimelineEntity> entries, DateTimeOffset now)
    {
        var counters = new Dictionary<(string Row, string Property), long>();
        foreach (var counted in Counted(after))
        {
            counters[counted] = counters.GetValueOrDefault(counted) + 1;
        }

        foreach (var counted in before is null ? [] : Counted(before))
        {
            counters[counted] = counters.GetValueOrDefault(counted) - 1;
        }

        var sets = new List<SetChange>();
        foreach (var set in Memberships)
        {
            var was = before is not null && set.Contains(before) ? set.Key(before) : null;
            var @is = set.Contains(after) ? set.Key(after) : null;
            if (was == @is)
            {
                continue;
            }

            if (was is not null)
            {
                sets.Add(new SetChange(was, Add: false, after.ItemCode, after.SubmittedAt));
            }

            if (@is is not null)
            {
                sets.Add(new SetChange(@is, Add: true, after.ItemCode, after.SubmittedAt));
            }
        }

        PendingChange? pending = null;
        var wasInFlight = before is not null && InFlight(before);
        if (InFlight(after) && (!wasInFlight || plan.HandoffVisibleAt is not null || before!.Handoff != after.Handoff))
        {
            pending = new PendingChange(after.Handoff.ToString(), plan.HandoffVisibleAt ?? now, after.ItemCode, after.SubmittedAt, after.IdNumberHash, after.NameHash, after.TraceParent);
        }
        else if (wasInFlight && !InFlight(after))
        {
            pending = new PendingChange(null, null, after.ItemCode, after.SubmittedAt, "", "", null);
        }

        var feed = entries.Where(e => e.Kind == "status" || FeedEvent.IsStep(e.Kind)).Select(e => e.Kind == "status"
            ? new FeedEvent($"{after.PartitionKey}-{e.Sequence}", after.ItemCode, e.Status!.Value, e.PreviousStatus!.Value, after.CaseNumber,
                e.DepartmentMessage, e.At, after.TraceParent)
            : new FeedEvent($"{after.PartitionKey}-{e.Sequence}", after.ItemCode, after.Status, after.Status, after.CaseNumber,
                e.DepartmentCode is { Length: > 0 } code ? $"({code}) {e.DepartmentMessage}" : e.DepartmentMessage, e.At, after.TraceParent, e.Kind)).ToList();

        return new StepEffects(
            after.PartitionKey,
            after.Platform,
            after.Department,
            feed,
            [.. counters.Where(c => c.Value != 0).Select(c => new CounterChange(c.Key.Row, c.Key.Property, c.Value))],
            sets,
            pending,
            plan.FollowUpDueAt,
            before?.ClosedAt is null && after.ClosedAt is { } closed ? closed : null);
    }

    /// <summary>The awaiting set's members: nothing from the department yet beyond the receipt, and not resolved by hand.</summary>
    public static bool Awaiting(ApplicationEntity a) =>
        a.Status is ApplicationStatus.Submitted or ApplicationStatus.Delivered && a.Handoff != HandoffState.Resolved;

    /// <summary>A hand-off that has not ended has a pending row.</summary>
    public static bool InFlight(ApplicationEntity a) =>
        a.Handoff is HandoffState.Waiting or HandoffState.Retrying or HandoffState.Held;

    /// <summary>The counters one application stands for (each +1): what the dashboard adds up.</summary>
    public static IEnumerable<(string Row, string Property)> Counted(ApplicationEntity a)
    {
        var submitted = Keys.HourCounter(a.SubmittedAt, a.Department);
        yield return (Keys.StateCounter(a.Department), a.Handoff.ToString());
        yield return (submitted, "Submitted");
        if (a.LastFailedAt is { } failed)
        {
            yield return (Keys.HourCounter(failed, a.Department), "Failed");
        }

        if (Awaiting(a))
        {
            yield return (Keys.StateCounter(a.Department), "Awaiting");
            yield return (submitted, "Awaiting");
        }
    }

    private static readonly (Func<ApplicationEntity, bool> Contains, Func<ApplicationEntity, string> Key)[] Memberships =
    [
        (Awaiting, a => Keys.Awaiting(a.SubmittedAt, a.PartitionKey)),
        (a => a.Handoff == HandoffState.Failed, a => Keys.Failed(a.PartitionKey)),
        (a => a.Handoff == HandoffState.Resolved, a => Keys.Resolved(a.PartitionKey)),
    ];
}

/// <summary>
/// One status event for the feed; <c>TraceParent</c> is the application's trace (telemetry hook, issue 14), so the platform's
/// webhook is a span in it. Issue 11: with <c>Step</c>, a step that changes no status (a supplement or withdrawal the
/// department took or refused for the case's state), the timeline entry's kind; the status is then the current one.
/// </summary>
internal sealed record FeedEvent(
    string EventId, string ItemCode, ApplicationStatus Status, ApplicationStatus PreviousStatus, string? CaseNumber, string? Reason, DateTimeOffset OccurredAt,
    string? TraceParent = null, string? Step = null)
{
    /// <summary>The timeline kinds the platform hears of as <c>application-step</c> events (HandoffDispatcher writes them).</summary>
    public static bool IsStep(string kind) => kind is "supplement-delivered" or "supplement-conflict" or "withdrawal-delivered" or "withdrawal-conflict";
}

internal sealed record CounterChange(string Row, string Property, long Amount);

/// <summary>A member joins or leaves one of the work table's sets (the row key says which set).</summary>
internal sealed record SetChange(string RowKey, bool Add, string ItemCode, DateTimeOffset SubmittedAt);

/// <summary>The pending hand-off row is written (state, when its message is visible, what the portal finds it by) or, with a null state, deleted.</summary>
internal sealed record PendingChange(
    string? Handoff, DateTimeOffset? VisibleAt, string ItemCode, DateTimeOffset SubmittedAt, string IdNumberHash, string NameHash, string? TraceParent);
