using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;

namespace IntegrationHub.Privacy;

/// <summary>How long an application's personal data is kept after it closes (final status, or a resolved hand-off).</summary>
internal sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Security:Retention";

    /// <summary>
    /// Assumption: 30 days. The hub only relays; the department keeps the case, and the platform has had every status
    /// event and the result long before. Operators can still look into a complaint for a month.
    /// </summary>
    public TimeSpan EraseAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Applications erased per run at most, so one run stays short; the next run takes the rest.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>When the erasure runs (the <c>ErasePersonalData</c> timer, both hosts).</summary>
    [CronSchedule]
    public string Schedule { get; set; } = "0 */5 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EraseAfter <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:EraseAfter must be a positive time span (e.g. 30.00:00:00), got {EraseAfter}.", [nameof(EraseAfter)]);
        }
    }
}
