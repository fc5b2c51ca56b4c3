using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Storage;

/// <summary>
/// Where state and the handoff queue live. Locally a connection string (Azurite); on Azure the account
/// name alone, reached with the app's managed identity (no keys).
/// </summary>
internal sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    [RegularExpression("^[a-z0-9]{3,24}$", ErrorMessage = "must be a storage account name: 3-24 lowercase letters and digits.")]
    public string? AccountName { get; set; }

    /// <summary>
    /// Read by the Functions host, not the hub: the queue trigger's identity-based connection (<c>Storage__queueServiceUri</c>).
    /// Declared so the start can check it; the host may read further <c>Storage__*</c> connection settings, declared below.
    /// </summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Functions identity-based connection: <c>managedidentity</c> for a user-assigned identity.</summary>
    public string? Credential { get; set; }

    /// <summary>Functions identity-based connection: the client id of a user-assigned identity.</summary>
    public string? ClientId { get; set; }

    [Required, RegularExpression("^[a-z][a-z0-9]{2,62}$", ErrorMessage = "must be 3-63 lowercase letters and digits, starting with a letter.")]
    public string QueueName { get; set; } = "handoffs";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{0,40}$", ErrorMessage = "must be 1-41 ASCII letters and digits, starting with a letter.")]
    public string TablePrefix { get; set; } = "hub";

    /// <summary>
    /// How long a group commit with few rows waits for rows of other applications to join it (0: it leaves at once). A few
    /// milliseconds on each write of a quiet hub buy far fewer storage calls at load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01", ParseLimitsInInvariantCulture = true)]
    public TimeSpan GroupCommitLinger { get; set; } = TimeSpan.FromMilliseconds(3);

    /// <summary>
    /// How long the effects of a department's report or a hand-off attempt (feed events, counters and sets, the retention
    /// row) may wait for company after the step's transaction, which is all its caller waits for: they ride the next
    /// transaction others start in their partition, or leave when this runs out (0: they leave with the linger, and the
    /// caller waits for them). The step's intent keeps them safe meanwhile; see ApplicationStore.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05", ParseLimitsInInvariantCulture = true)]
    public TimeSpan EffectsPatience { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Applications each instance remembers with their ETags, so a step needs no read first (0 turns it off; see ApplicationCache).</summary>
    [Range(0, 1_000_000)]
    public int ApplicationCacheSize { get; set; } = 4096;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == string.IsNullOrWhiteSpace(AccountName))
        {
            yield return new ValidationResult(
                "set exactly one: ConnectionString (Azurite, local) or AccountName (Azure, managed identity).",
                [nameof(ConnectionString), nameof(AccountName)]);
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString) && !IsConnectionString(ConnectionString))
        {
            // Never echo it: a connection string carries the account key.
            yield return new ValidationResult(
                "must be a storage connection string (Key=Value pairs separated by ';', with AccountName, TableEndpoint or UseDevelopmentStorage=true).",
                [nameof(ConnectionString)]);
        }

        if (QueueServiceUri is { } queue && (!queue.IsAbsoluteUri || queue.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("must be an absolute https URI (https://<account>.queue.core.windows.net).", [nameof(QueueServiceUri)]);
        }
    }

    private static bool IsConnectionString(string text)
    {
        var pairs = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (pairs.Length == 0 || pairs.Any(p => p.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            return false;
        }

        var keys = pairs.Select(p => p[..p.IndexOf('=', StringComparison.Ordinal)]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return keys.Contains("AccountName") || keys.Contains("TableEndpoint") || keys.Contains("UseDevelopmentStorage");
    }
}
