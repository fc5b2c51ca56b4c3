using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Handoff;

/// <summary>How hard the hub tries before a hand-off counts as failed, and how often it looks for stranded work.</summary>
public sealed class HandoffOptions : IValidatableObject
{
    public const string Section = "Handoff";

    /// <summary>Transient outcomes (after the HTTP client's own quick retries) before the hand-off fails.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First re-delivery delay; doubles per attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    // A storage queue hides a message for at most seven days.
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Dequeues of one message (unexpected errors) before it goes to the poison queue. Mirrors host.json.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>A pending hand-off not seen for this long is re-enqueued by the sweep.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan StrandedAfter { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the local queue worker waits when a queue is empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Messages the local queue worker handles at once (it receives again when half of them are done, at most 32 at a time,
    /// the most a receive returns). More at once also means fewer storage calls: their index rows share group commits.
    /// </summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 16;

    /// <summary>How long a received message stays invisible while it is processed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                $"RetryMaxDelay ({RetryMaxDelay}) must not be shorter than RetryBaseDelay ({RetryBaseDelay}).",
                [nameof(RetryMaxDelay), nameof(RetryBaseDelay)]);
        }
    }
}
