using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Storage;

/// <summary>
/// Where state and the handoff queue live. Locally a connection string (Azurite); on Azure the account
/// name alone, reached with the app's managed identity (no keys).
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    [Required, RegularExpression("^[a-z][a-z0-9]{2,62}$")]
    public string QueueName { get; set; } = "handoffs";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{0,40}$")]
    public string TablePrefix { get; set; } = "hub";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == string.IsNullOrWhiteSpace(AccountName))
        {
            yield return new ValidationResult(
                "Set exactly one of Storage:ConnectionString (Azurite, local) or Storage:AccountName (Azure, managed identity).",
                [nameof(ConnectionString), nameof(AccountName)]);
        }
    }
}
