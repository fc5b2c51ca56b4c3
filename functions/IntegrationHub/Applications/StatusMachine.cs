using IntegrationHub.Contracts;

namespace IntegrationHub.Applications;

/// <summary>
/// The licensing lifecycle as a state machine. A final state is never left; nothing returns to
/// Submitted or Delivered; a department report older than the last one applied is stale.
/// </summary>
internal static class StatusMachine
{
    private static readonly Dictionary<ApplicationStatus, ApplicationStatus[]> Allowed = new()
    {
        [ApplicationStatus.Submitted] = [ApplicationStatus.Delivered, ApplicationStatus.Accepted, ApplicationStatus.SupplementRequired,
            ApplicationStatus.InReview, ApplicationStatus.Rejected, ApplicationStatus.Approved, ApplicationStatus.Denied, ApplicationStatus.Withdrawn],
        [ApplicationStatus.Delivered] = [ApplicationStatus.Accepted, ApplicationStatus.SupplementRequired, ApplicationStatus.InReview,
            ApplicationStatus.Rejected, ApplicationStatus.Approved, ApplicationStatus.Denied, ApplicationStatus.Withdrawn],
        [ApplicationStatus.Accepted] = [ApplicationStatus.SupplementRequired, ApplicationStatus.InReview, ApplicationStatus.Approved, ApplicationStatus.Denied,
            ApplicationStatus.Withdrawn],
        [ApplicationStatus.SupplementRequired] = [ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Rejected,
            ApplicationStatus.Approved, ApplicationStatus.Denied, ApplicationStatus.Withdrawn],
        [ApplicationStatus.InReview] = [ApplicationStatus.SupplementRequired, ApplicationStatus.Approved, ApplicationStatus.Denied, ApplicationStatus.Withdrawn],
    };

    public static bool IsFinal(ApplicationStatus status) =>
        status is ApplicationStatus.Rejected or ApplicationStatus.Approved or ApplicationStatus.Denied or ApplicationStatus.Withdrawn;

    public static bool CanMove(ApplicationStatus from, ApplicationStatus to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>Whether a department report that happened at <paramref name="occurredAt"/> may still change the status.</summary>
    public static TransitionVerdict Judge(ApplicationStatus current, DateTimeOffset? lastReportAt, ApplicationStatus to, DateTimeOffset occurredAt)
    {
        if (current == to)
        {
            return TransitionVerdict.Duplicate;
        }

        if (IsFinal(current) || (lastReportAt is { } last && occurredAt < last))
        {
            return TransitionVerdict.Stale;
        }

        return CanMove(current, to) ? TransitionVerdict.Apply : TransitionVerdict.Illegal;
    }
}

internal enum TransitionVerdict
{
    Apply,
    Duplicate,
    Stale,
    Illegal,
}
