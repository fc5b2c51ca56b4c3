using Azure;
using Azure.Data.Tables;
using IntegrationHub.Contracts;

namespace IntegrationHub.Suggestions;

/// <summary>
/// A suggestion's main row (PartitionKey the id, RowKey <c>suggestion</c>) in the suggestions table. What the resident
/// wrote (text, address, location, contact) is sealed; only masks of the contact are kept readable.
/// </summary>
internal sealed class SuggestionEntity : ITableEntity
{
    public const string Row = "suggestion";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Platform { get; set; } = "";
    public string Community { get; set; } = "";
    public string Street { get; set; } = "";
    public string Category { get; set; } = "";
    public SuggestionStatus Status { get; set; }

    /// <summary>The resident's words, address, location and contact (<see cref="ResidentPart"/>), sealed.</summary>
    public byte[]? SealedResident { get; set; }
    public string? ContactNameMasked { get; set; }
    public string ContactPhoneMasked { get; set; } = "";

    /// <summary>The photos as <c>blob:width:height</c> joined by <c>;</c> (<see cref="SuggestionStore.PhotosOf"/>).</summary>
    public string Photos { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset WarnAt { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary>The first answer after acceptance (result, transfer or progress): the 24-hour clock stopped.</summary>
    public DateTimeOffset? AnsweredAt { get; set; }
    public bool Warned { get; set; }
    public bool Breached { get; set; }
    public bool Reopened { get; set; }
    public string? Rating { get; set; }
    public string? AcceptedBy { get; set; }
    public int TimelineCount { get; set; }

    /// <summary>When retention erased what the resident wrote and the photos (the masks and the timeline stay).</summary>
    public DateTimeOffset? ErasedAt { get; set; }
}

/// <summary>One step (RowKey <c>t000001</c> …) in the suggestion's partition.</summary>
internal sealed class SuggestionStepEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string Step { get; set; } = "";
    public SuggestionStatus Status { get; set; }
    public SuggestionStatus PreviousStatus { get; set; }
    public string Summary { get; set; } = "";

    /// <summary>Staff feedback or a transfer's reason (the community's own words, sent to the platform).</summary>
    public string? Note { get; set; }

    /// <summary>The resident's comment with a rating: their own words, sealed.</summary>
    public byte[]? SealedComment { get; set; }
    public string? Actor { get; set; }
    public string? Department { get; set; }
    public string? Rating { get; set; }

    public static string RowFor(int sequence) => $"t{sequence:D6}";
}

/// <summary>
/// A row of the suggestions' index table: idempotency claims (<c>idem-{platform}</c>) and due rows (<c>due</c>, keyed by
/// time): "look at this suggestion at this time" — an intent written before a change (cleared once its events are
/// published) or the 24-hour clock's next milestone.
/// </summary>
internal sealed class SuggestionIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string SuggestionId { get; set; } = "";
    public string? BodyHash { get; set; }
}

/// <summary>What the resident wrote, as kept sealed in <see cref="SuggestionEntity.SealedResident"/>.</summary>
internal sealed record ResidentPart(string Text, string? Address, double? Latitude, double? Longitude, string? ContactName, string ContactPhone);
