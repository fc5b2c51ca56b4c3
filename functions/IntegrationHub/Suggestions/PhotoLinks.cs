using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Short-lived signed links to a suggestion's photos: <c>/api/v1/suggestions/{id}/photos/{n}?k=&amp;exp=&amp;sig=</c>, an
/// HMAC over the id, index and expiry. Why a hub route and not a storage SAS: the blobs are sealed by the hub's key ring,
/// so a SAS would hand out ciphertext; only the hub can open them. The route needs no other credential (an &lt;img&gt;
/// cannot send one), and a link works only until it expires.
/// </summary>
internal sealed class PhotoLinks(PhotoKeys keys, IOptions<SuggestionOptions> options, TimeProvider time)
{
    public IReadOnlyList<SuggestionPhoto> For(SuggestionEntity suggestion)
    {
        var expires = time.GetUtcNow() + options.Value.PhotoLinkLifetime;
        var seconds = expires.ToUnixTimeSeconds();
        return
        [
            .. SuggestionStore.PhotosOf(suggestion).Select((p, i) => new SuggestionPhoto(i,
                string.Create(CultureInfo.InvariantCulture,
                    $"/{HubRoutes.Prefix}/suggestions/{suggestion.PartitionKey}/photos/{i}?k={keys.ActiveKeyId}&exp={seconds}&sig={keys.Sign(keys.ActiveKeyId, suggestion.PartitionKey, i, seconds)}"),
                DateTimeOffset.FromUnixTimeSeconds(seconds), p.Width, p.Height)),
        ];
    }

    /// <summary>Whether a link's signature holds and it has not expired (nor claims to live longer than links do).</summary>
    public bool IsValid(string id, int index, string? keyId, string? expires, string? signature)
    {
        if (keyId is null || signature is null || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (seconds < now || seconds > now + (long)options.Value.PhotoLinkLifetime.TotalSeconds + 60)
        {
            return false;
        }

        return keys.Sign(keyId, id, index, seconds) is { } expected
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }
}
