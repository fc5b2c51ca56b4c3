using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>The credentials the bureau issued to the hub and where to reach it (公安 interface v2.1).</summary>
internal sealed class PublicSecurityOptions : IValidatableObject, IDepartmentEndpoint
{
    public const string Section = "Departments:PublicSecurity";

    /// <summary>The bureau's base address; requests go to <c>{BaseUrl}/population/v2/applications</c>.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>接入单位代码 (JRDW), e.g. <c>320300SQPT01</c>.</summary>
    // Assumption: the document gives only an example; access unit and bureau codes are ASCII letters and digits.
    [Required, RegularExpression("^[A-Za-z0-9]{1,32}$")]
    public string AccessUnitCode { get; set; } = "";

    /// <summary>The signing key exactly as handed over: base64 of 32 or more random bytes.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    /// <summary>The X-JRDW the bureau signs its notifications with.</summary>
    [Required, RegularExpression("^[A-Za-z0-9]{1,32}$")]
    public string BureauCode { get; set; } = "GA320300";

    /// <summary>How far a notification's X-SJC may be from our clock (the document's 300 s, applied both ways).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(300);

    public DepartmentResilienceOptions Resilience { get; set; } = new();

    /// <summary>The HMAC key: the decoded bytes, not the base64 text.</summary>
    public byte[] SigningKeyBytes() => Convert.FromBase64String(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in this.ValidateEndpoint())
        {
            yield return result;
        }

        if (!string.IsNullOrEmpty(SigningKey) && DecodedKeyLength(SigningKey) < 32)
        {
            // Never echo the key itself: this message reaches the startup log.
            yield return new ValidationResult(
                "SigningKey must be base64 of at least 32 bytes (the key the bureau issued).", [nameof(SigningKey)]);
        }
    }

    private static int DecodedKeyLength(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? written : -1;
    }
}
