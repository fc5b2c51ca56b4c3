using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Privacy;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Keys for the photos, derived (HKDF-SHA256) from the hub's key ring, so no new secret needs configuring, and each use
/// has its own key: one names blobs, one signs photo links. A link names the ring key it was signed with, so links stay
/// valid while instances with different active keys run side by side during a rotation.
/// </summary>
internal sealed class PhotoKeys
{
    private readonly Dictionary<string, byte[]> _linkKeys = new(StringComparer.OrdinalIgnoreCase);
    private readonly byte[] _nameKey;

    public PhotoKeys(IOptions<EncryptionOptions> options)
    {
        var ring = options.Value;
        foreach (var (id, key) in ring.Keys)
        {
            if (EncryptionOptions.Decode(key) is { Length: EncryptionOptions.KeyBytes } bytes)
            {
                _linkKeys[id] = HKDF.DeriveKey(HashAlgorithmName.SHA256, bytes, 32, info: Encoding.ASCII.GetBytes("IntegrationHub/suggestions/photo-links/v1"));
            }
        }

        ActiveKeyId = _linkKeys.Keys.First(k => string.Equals(k, ring.ActiveKeyId, StringComparison.OrdinalIgnoreCase));

        // A retried submission (same id, same index) gets the same names, so it overwrites its own blobs; the names are
        // stored with the suggestion, so a later rotation of the ring changes nothing for photos already kept.
        _nameKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, EncryptionOptions.Decode(ring.Keys.First(k => string.Equals(k.Key, ActiveKeyId, StringComparison.Ordinal)).Value)!,
            32, info: Encoding.ASCII.GetBytes("IntegrationHub/suggestions/photo-names/v1"));
    }

    public string ActiveKeyId { get; }

    /// <summary>A blob name that reveals nothing: 32 hex digits of a keyed hash.</summary>
    public string Name(string what) => Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey, Encoding.UTF8.GetBytes(what)).AsSpan(0, 16));

    /// <summary>The signature of a photo link, or null when the key id is not in the ring.</summary>
    public string? Sign(string keyId, string id, int index, long expires)
    {
        if (!_linkKeys.TryGetValue(keyId, out var key))
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"{id}/{index}/{expires}");
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
