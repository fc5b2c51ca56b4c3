using Microsoft.Extensions.Logging;

namespace IntegrationHub.Privacy;

/// <summary>The privacy slice's log lines (event ids 6000–6999, docs/telemetry.md): counts only, never personal data.</summary>
internal static partial class PrivacyLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Retention erased the personal data of {Erased} applications ({Rows} index rows done)")]
    public static partial void RetentionErased(ILogger logger, int erased, int rows);
}
