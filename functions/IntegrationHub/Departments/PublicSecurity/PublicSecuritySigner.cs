using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>The four signed headers of one request or notification.</summary>
internal sealed record PublicSecuritySignature(string AccessUnit, string Timestamp, string Nonce, string Signature)
{
    public const string AccessUnitHeader = "X-JRDW";
    public const string TimestampHeader = "X-SJC";
    public const string NonceHeader = "X-SJS";
    public const string SignatureHeader = "X-QM";
}

internal enum SignatureCheck
{
    Valid,
    MissingHeader,
    BadSignature,
    OutsideWindow,
}

/// <summary>
/// X-QM = lowercase hex HMAC-SHA256(key, JRDW \n SJC \n SJS \n hex(SHA-256(body))), one key both ways.
/// </summary>
internal sealed partial class PublicSecuritySigner(byte[] key, TimeProvider time)
{
    private const string TimestampFormat = "yyyyMMddHHmmss";

    /// <summary>Signs one attempt: a fresh timestamp and nonce every time, so a retry is never a replay.</summary>
    public PublicSecuritySignature Sign(string accessUnit, ReadOnlySpan<byte> body)
    {
        var timestamp = time.GetUtcNow().ToOffset(PublicSecurityTranslator.ChinaOffset).ToString(TimestampFormat, CultureInfo.InvariantCulture);

        // 16 random bytes: the document's upper bound of 32 hex characters, the most a guesser has to cover.
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new PublicSecuritySignature(accessUnit, timestamp, nonce, Convert.ToHexStringLower(Mac(accessUnit, timestamp, nonce, body)));
    }

    /// <summary>Checks an inbound signature and that its timestamp is within <paramref name="window"/> of our clock.</summary>
    public SignatureCheck Verify(string? accessUnit, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body, TimeSpan window)
    {
        if (string.IsNullOrEmpty(accessUnit) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.MissingHeader;
        }

        // The signature first: an attacker learns nothing about our clock from a forged request.
        var expected = Mac(accessUnit, timestamp, nonce, body);
        var presented = new byte[expected.Length];
        if (!NoncePattern().IsMatch(nonce)
            || signature.Length != expected.Length * 2
            || Convert.FromHexString(signature, presented, out _, out _) != OperationStatus.Done
            || !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return SignatureCheck.BadSignature;
        }

        if (!DateTime.TryParseExact(timestamp, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return SignatureCheck.OutsideWindow;
        }

        var signedAt = new DateTimeOffset(local, PublicSecurityTranslator.ChinaOffset);
        return (time.GetUtcNow() - signedAt).Duration() <= window ? SignatureCheck.Valid : SignatureCheck.OutsideWindow;
    }

    private byte[] Mac(string accessUnit, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        // Assumption: the document does not name the string's encoding; every part is ASCII, so UTF-8 and ASCII agree.
        var canonical = $"{accessUnit}\n{timestamp}\n{nonce}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical));
    }

    [GeneratedRegex("^[0-9A-Fa-f]{16,32}$")]
    private static partial Regex NoncePattern();
}
