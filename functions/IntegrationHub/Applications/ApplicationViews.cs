using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Storage;

namespace IntegrationHub.Applications;

/// <summary>Hand-written mapping from storage rows to the public view.</summary>
internal static class ApplicationViews
{
    public static ApplicationView From(ApplicationEntity application, JsonObject? result, IReadOnlyList<TimelineEntity> timeline) => new(
        application.PartitionKey,
        application.ItemCode,
        application.Department,
        application.Status,
        application.Handoff,
        application.CaseNumber,
        application.Reason,
        result,
        application.ApplicantNameMasked,
        application.SubmittedAt,
        application.UpdatedAt,
        [.. timeline.Select(ToEntry)]);

    public static TimelineEntry ToEntry(TimelineEntity e) => new(
        e.Sequence,
        e.At,
        e.Kind,
        e.Summary,
        e.Status,
        e.Outcome,
        e.DurationMs,
        e.DepartmentCode,
        e.DepartmentMessage,
        e.CaseNumber,
        e.TraceId);
}
