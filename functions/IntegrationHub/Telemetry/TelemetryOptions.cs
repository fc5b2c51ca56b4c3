using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;

namespace IntegrationHub.Telemetry;

/// <summary>Where operators look at a trace. Exporters are configured by the standard OpenTelemetry and Azure Monitor settings.</summary>
internal sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Telemetry";

    public const string TraceIdPlaceholder = "{traceId}";

    /// <summary>
    /// A trace view's address with <c>{traceId}</c> in it (the local run: its Aspire dashboard's
    /// <c>http://127.0.0.1:18888/traces/detail/{traceId}</c>); the portal links each attempt's trace id there. Unset: no links.
    /// </summary>
    public string? TraceViewUrl { get; set; }

    /// <summary>When the queue gauges are sampled (the <c>SampleQueues</c> timer, both hosts).</summary>
    [CronSchedule]
    public string QueueSampleSchedule { get; set; } = "15 */1 * * * *";

    /// <summary>The trace view's link for <paramref name="traceId"/>, or none.</summary>
    public string? TraceLink(string? traceId) =>
        TraceViewUrl is null || traceId is not { Length: 32 } || !traceId.All(char.IsAsciiHexDigitLower)
            ? null
            : TraceViewUrl.Replace(TraceIdPlaceholder, traceId, StringComparison.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TraceViewUrl is { } url
            && (!url.Contains(TraceIdPlaceholder, StringComparison.Ordinal)
                || !Uri.TryCreate(url.Replace(TraceIdPlaceholder, "0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("TraceViewUrl must be an absolute http or https URL containing {traceId}.", [nameof(TraceViewUrl)]);
        }
    }
}
