using IntegrationHub.Contracts;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Applications;

/// <summary>The applications slice's log lines (event ids 1000–1999, docs/telemetry.md): ids and codes only, never personal data.</summary>
internal static partial class ApplicationsLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Accepted application {ApplicationId} for {ItemCode} from {Platform}")]
    public static partial void Accepted(ILogger logger, string applicationId, string itemCode, string platform);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Department} reported {Status} for an unknown application")]
    public static partial void ReportForUnknown(ILogger logger, string department, ApplicationStatus status);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "{Department} reported {Status} for an application of another department")]
    public static partial void ReportForOtherDepartment(ILogger logger, string department, ApplicationStatus status);
}
