using System.ComponentModel.DataAnnotations;
using System.Text;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>The credentials the bureau issued to the hub, where to reach its gateway, and its timing (人社 gateway v3).</summary>
internal sealed class SocialSecurityOptions : IValidatableObject, IDepartmentEndpoint
{
    public const string Section = "Departments:SocialSecurity";

    /// <summary>The gateway's base address; requests go to <c>{BaseUrl}/si/gateway</c>.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>The organisation code (<c>org_code</c>), e.g. <c>320300SQPT</c>.</summary>
    // Assumption: the document gives only an example; an organisation code is 1-32 ASCII letters and digits.
    [Required, RegularExpression("^[A-Za-z0-9]{1,32}$")]
    public string OrgCode { get; set; } = "";

    /// <summary>The signing key exactly as handed over; the HMAC key is its UTF-8 bytes.</summary>
    // Assumption: the document sets no length or alphabet for the key, so any non-blank string is accepted as issued.
    [Required]
    public string SigningKey { get; set; } = "";

    /// <summary>How long after delivery, or after the last news, the hub asks about a case again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The gateway's per-case limit on RS9001 (5 minutes in production; the joint-testing environment sets it per
    /// connecting system, typically to seconds). The adapter never asks about one case more often than this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MinQueryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Start of the nightly maintenance window, China Standard Time (+08:00).</summary>
    public TimeOnly MaintenanceStart { get; set; } = new(23, 0);

    /// <summary>End of the nightly maintenance window, China Standard Time (+08:00); before the start when it crosses midnight.</summary>
    public TimeOnly MaintenanceEnd { get; set; } = new(1, 0);

    /// <summary>
    /// The first hold after a 9003 that the configured window cannot explain. Each further such 9003 doubles the hold
    /// up to <see cref="UnexplainedMaintenanceMaxHold"/>; any other answer starts again from this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan UnexplainedMaintenanceHold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest hold a 9003 outside the configured window grows to (the production window is two hours).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan UnexplainedMaintenanceMaxHold { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The hub-wide pace of calls to the gateway, shared by all instances (Departments/SharedState). The document allows 20
    /// calls/s per org_code; the default leaves room for one call of jitter per instance at
    /// <c>Departments:Shared:MaximumInstanceCount</c> (4): CallsPerSecond + MaximumInstanceCount must not exceed 20.
    /// </summary>
    [Range(0.1, 20.0)]
    public double CallsPerSecond { get; set; } = 16;

    public DepartmentResilienceOptions Resilience { get; set; } = new();

    public SocialSecurityMaintenance MaintenanceWindow() => new(MaintenanceStart, MaintenanceEnd);

    /// <summary>The HMAC key: the key string's UTF-8 bytes (document, "Credentials").</summary>
    public byte[] SigningKeyBytes() => Encoding.UTF8.GetBytes(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in this.ValidateEndpoint())
        {
            yield return result;
        }

        // Polling faster than the gateway allows only earns 9001 answers.
        if (PollInterval < MinQueryInterval)
        {
            yield return new ValidationResult(
                $"PollInterval ({PollInterval}) must not be shorter than MinQueryInterval ({MinQueryInterval}).",
                [nameof(PollInterval), nameof(MinQueryInterval)]);
        }

        if (UnexplainedMaintenanceMaxHold < UnexplainedMaintenanceHold)
        {
            yield return new ValidationResult(
                $"UnexplainedMaintenanceMaxHold ({UnexplainedMaintenanceMaxHold}) must not be shorter than UnexplainedMaintenanceHold ({UnexplainedMaintenanceHold}).",
                [nameof(UnexplainedMaintenanceMaxHold), nameof(UnexplainedMaintenanceHold)]);
        }
    }
}
