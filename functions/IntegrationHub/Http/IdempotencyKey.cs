using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Http;

/// <summary>The <c>Idempotency-Key</c> header every submission carries (applications, suggestions).</summary>
internal static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>The key, or a 400 problem naming the header: 1-100 printable characters.</summary>
    public static (string? Key, ProblemHttpResult? Problem) Read(HttpRequest request)
    {
        var key = request.Headers[Header].ToString();
        return key.Length is 0 or > 100 || key.Any(char.IsControl)
            ? (null, Problems.Field(Header, "is required: 1-100 printable characters, the same for every retry of one submission."))
            : (key, null);
    }
}
