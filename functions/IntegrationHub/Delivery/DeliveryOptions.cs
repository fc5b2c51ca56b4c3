using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Delivery;

/// <summary>How hard the hub tries before a hand-off counts as failed, and how often it looks for stranded work.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Transient outcomes (after the HTTP client's own quick retries) before the hand-off fails.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First re-delivery delay; doubles per attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Dequeues of one message (unexpected errors) before it goes to the poison queue. Mirrors host.json.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>A pending hand-off not seen for this long is re-enqueued by the sweep.</summary>
    public TimeSpan StrandedAfter { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the local queue worker waits when a queue is empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received message stays invisible while it is processed.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
