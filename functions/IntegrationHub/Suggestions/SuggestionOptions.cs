using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;

namespace IntegrationHub.Suggestions;

/// <summary>The suggestion channel's rules: the 24-hour clock, photo links, and the deadline timer.</summary>
internal sealed class SuggestionOptions : IValidatableObject
{
    public const string Section = "Suggestions";

    /// <summary>The city's rule: accepted and answered within this long after submission.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan AnswerWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When the community is warned that the answer falls due soon.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan WarnAfter { get; set; } = TimeSpan.FromHours(20);

    /// <summary>How long a signed photo link works.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PhotoLinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>When the 24-hour clock's warnings and breaches are looked for (the <c>SuggestionDeadlines</c> timer, both hosts).</summary>
    [CronSchedule]
    public string DeadlineSchedule { get; set; } = "15 */1 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WarnAfter >= AnswerWithin)
        {
            yield return new ValidationResult("must come before AnswerWithin, or the warning would come after the breach.", [nameof(WarnAfter)]);
        }
    }
}
