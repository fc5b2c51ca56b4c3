using System.ComponentModel.DataAnnotations;
using Cronos;

namespace IntegrationHub.Composition;

/// <summary>
/// A timer's schedule in the Functions timer format (six fields, seconds first). The Functions app reads the same setting
/// through a <c>%Section:Key%</c> binding expression and the local host runs its stand-in timer on it, so the two agree.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class CronScheduleAttribute : ValidationAttribute
{
    public const string Format = "must be a six-field CRON expression with seconds (the Functions timer format), e.g. \"0 */1 * * * *\".";

    public static CronExpression Parse(string schedule) => CronExpression.Parse(schedule, CronFormat.IncludeSeconds);

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string schedule && CronExpression.TryParse(schedule, CronFormat.IncludeSeconds, out _)
            ? ValidationResult.Success
            : new ValidationResult(Format, validationContext.MemberName is { } member ? [member] : []);
}
