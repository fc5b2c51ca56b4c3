using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Handoff;

/// <summary>The hand-off slice's log lines (event ids 2000–2999, docs/telemetry.md): ids and codes only, never personal data.</summary>
internal static partial class HandoffLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Hand-off for unknown application {ApplicationId} dropped")]
    public static partial void UnknownApplication(ILogger logger, string applicationId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Hand-off of application {ApplicationId} failed past the dequeue limit")]
    public static partial void Poisoned(ILogger logger, string applicationId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Hand-off of {ApplicationId} to {Department}: {Outcome} {DepartmentCode} in {DurationMs} ms")]
    public static partial void Attempted(ILogger logger, string applicationId, string department, HandoffOutcomeKind outcome, string? departmentCode, long durationMs);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Finished interrupted step {Step} of {ApplicationId} (committed: {Committed})")]
    public static partial void StepRepaired(ILogger logger, string step, string applicationId, bool committed);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Hand-off queue behind (oldest message waiting since {Oldest}): {Count} overdue hand-offs left to it")]
    public static partial void QueueBehind(ILogger logger, DateTimeOffset oldest, int count);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Took back the intake of {ApplicationId}: its application was never written")]
    public static partial void IntakeTakenBack(ILogger logger, string applicationId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Re-enqueued stranded hand-off {ApplicationId} ({Handoff})")]
    public static partial void Reenqueued(ILogger logger, string applicationId, HandoffState handoff);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Asked {Department} about {ApplicationId}: {Status} ({Outcome})")]
    public static partial void Asked(ILogger logger, string department, string applicationId, ApplicationStatus status, ReportOutcome outcome);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Warning, Message = "{Department} circuit state not shared: {Status} {Error}")]
    public static partial void CircuitNotShared(ILogger logger, string department, int status, string? error);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Warning, Message = "Queue {Queue} unreachable: {Error}")]
    public static partial void QueueUnreachable(ILogger logger, string queue, string error);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Error, Message = "Message {MessageId} on {Queue} failed (dequeue {DequeueCount})")]
    public static partial void MessageFailed(ILogger logger, Exception exception, string messageId, string queue, long dequeueCount);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Warning, Message = "Sweep could not reach storage: {Error}")]
    public static partial void SweepUnreachable(ILogger logger, string error);
}
