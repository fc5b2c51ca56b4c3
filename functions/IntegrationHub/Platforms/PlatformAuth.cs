using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Platforms;

/// <summary>Identifies the calling platform by its <c>X-Api-Key</c>, comparing in constant time.</summary>
internal sealed class PlatformAuth(IOptionsMonitor<PlatformOptions> options)
{
    public const string Header = "X-Api-Key";

    public PlatformClient? Authenticate(HttpRequest request)
    {
        var presented = request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return null;
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        return options.CurrentValue.Clients.FirstOrDefault(c =>
            CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(c.ApiKey)));
    }

    /// <summary>The platform and the submission's <c>Idempotency-Key</c>, or the problem that refuses it (401 before 400).</summary>
    public ((PlatformClient Platform, string Key)? Caller, ProblemHttpResult? Problem) AuthenticateSubmission(HttpRequest request)
    {
        if (Authenticate(request) is not { } platform)
        {
            return (null, Unauthorized());
        }

        var (key, problem) = Http.IdempotencyKey.Read(request);
        return key is null ? (null, problem) : ((platform, key), null);
    }

    public PlatformClient? Find(string name) => options.CurrentValue.Clients.FirstOrDefault(c => c.Name == name);

    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Unauthorized",
        detail: $"{Header}: a valid platform key is required.",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [Header] = ["is missing or not valid."] } });
}
