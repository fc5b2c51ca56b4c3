using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// Signs one attempt: <c>sign</c> = uppercase hex HMAC-SHA256(key, trade_code|trans_id|timestamp|body) over the exact
/// body string that is sent, with a timestamp from our clock in China Standard Time.
/// </summary>
internal sealed class SocialSecuritySigner(byte[] key, string orgCode, TimeProvider time)
{
    /// <summary>The envelope for one attempt: a fresh timestamp every time, the same trans_id and body string.</summary>
    public string Envelope(SocialSecurityRequest request)
    {
        var timestamp = time.GetUtcNow().ToOffset(SocialSecurityTranslator.ChinaOffset)
            .ToString(SocialSecurityTranslator.TimestampFormat, CultureInfo.InvariantCulture);
        return SocialSecurityTranslator.Envelope(request, orgCode, timestamp, Sign(key, request.TradeCode, request.TransId, timestamp, request.Body));
    }

    // Assumption: the signed string is hashed as UTF-8, the encoding of the key and of the body on the wire.
    public static string Sign(byte[] key, string tradeCode, string transId, string timestamp, string body) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{tradeCode}|{transId}|{timestamp}|{body}")));
}
