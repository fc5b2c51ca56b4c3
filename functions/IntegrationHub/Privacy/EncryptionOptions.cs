using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace IntegrationHub.Privacy;

/// <summary>
/// The key ring that protects personal data at rest: <c>Security:Encryption:Keys:{id}</c> holds base64 256-bit keys and
/// <c>Security:Encryption:ActiveKeyId</c> names the one new data is sealed with. Older keys stay in the ring so what they
/// sealed still opens (see docs/personal-data.md for rotation). On Azure each key is a Key Vault reference.
/// </summary>
internal sealed partial class EncryptionOptions : IValidatableObject
{
    public const string Section = "Security:Encryption";
    public const int KeyBytes = 32;

    public string ActiveKeyId { get; set; } = "";

    public Dictionary<string, string> Keys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult(
                $"{Section}:Keys must hold at least one key: {Section}:Keys:<id> = base64 of {KeyBytes} random bytes.", [nameof(Keys)]);
        }

        foreach (var (id, key) in Keys)
        {
            if (!KeyIdPattern().IsMatch(id))
            {
                yield return new ValidationResult(
                    $"{Section}:Keys:{id}: a key id is 1-32 letters and digits (it names an app setting and is written into every envelope).", [nameof(Keys)]);
            }

            // The key itself never goes into a message.
            if (Decode(key) is not { Length: KeyBytes })
            {
                yield return new ValidationResult(
                    $"{Section}:Keys:{id} must be base64 of exactly {KeyBytes} random bytes (AES-256).", [nameof(Keys)]);
            }
        }

        if (string.IsNullOrWhiteSpace(ActiveKeyId))
        {
            yield return new ValidationResult($"{Section}:ActiveKeyId is required: the id of the key new data is sealed with.", [nameof(ActiveKeyId)]);
        }
        else if (!Keys.Keys.Contains(ActiveKeyId, StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"{Section}:ActiveKeyId '{ActiveKeyId}' names no key in {Section}:Keys ({string.Join(", ", Keys.Keys)}).", [nameof(ActiveKeyId)]);
        }
    }

    internal static byte[]? Decode(string? key)
    {
        try
        {
            return string.IsNullOrWhiteSpace(key) ? null : Convert.FromBase64String(key.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    internal static partial Regex KeyIdPattern();
}
