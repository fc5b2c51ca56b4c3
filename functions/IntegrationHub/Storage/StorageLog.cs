using Microsoft.Extensions.Logging;

namespace IntegrationHub.Storage;

/// <summary>The storage slice's log lines (event ids 5000–5999, docs/telemetry.md): keys and codes only, never personal data.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Step {Intent} was finished by the sweep meanwhile")]
    public static partial void StepFinishedBySweep(ILogger logger, string intent);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "The effects of step {Intent} were not written ({Error}); the sweep will apply them")]
    public static partial void EffectsLeftToSweep(ILogger logger, string intent, string error);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Group commit to partition {Partition} failed ({Status}); retrying")]
    public static partial void GroupCommitRetry(ILogger logger, string partition, int status);
}
