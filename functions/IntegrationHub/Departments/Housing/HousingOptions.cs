using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Departments.Housing;

/// <summary>The credentials the bureau issued to the hub, where to reach it, and how the hub paces itself (房管 Open API v2).</summary>
internal sealed class HousingOptions : IValidatableObject, IDepartmentEndpoint
{
    public const string Section = "Departments:Housing";

    /// <summary>The bureau's base address; requests go to <c>{BaseUrl}/oauth/token</c> and <c>{BaseUrl}/api/v2/applications</c>.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>The HMAC key for webhooks, as text: the key is its UTF-8 bytes (the document).</summary>
    [Required]
    public string WebhookSecret { get; set; } = "";

    /// <summary>How long before <c>expires_in</c> runs out a token is renewed, so no call goes out with a token about to lapse.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long without a webhook before the hub asks <c>GET /api/v2/applications/{ticket_no}</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The most token requests the hub makes per rolling minute; the bureau throttles above 10.</summary>
    [Range(1, 10)]
    public int TokenRequestsPerMinute { get; set; } = 10;

    /// <summary>
    /// The hub-wide pace of calls to the bureau, shared by all instances (Departments/SharedState). The document allows 20
    /// requests/s per client; the default leaves room for one call of jitter per instance at
    /// <c>Departments:Shared:MaximumInstanceCount</c> (4): CallsPerSecond + MaximumInstanceCount must not exceed 20.
    /// </summary>
    [Range(0.1, 20.0)]
    public double CallsPerSecond { get; set; } = 16;

    public DepartmentResilienceOptions Resilience { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in this.ValidateEndpoint())
        {
            yield return result;
        }
    }
}
