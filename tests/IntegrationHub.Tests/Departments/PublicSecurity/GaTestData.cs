using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Configuration;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>Applications built from the catalog's realistic form samples, and the credentials both sides share.</summary>
internal static class GaTestData
{
    public const string AccessUnit = "320300SQPT01";

    // The same 32 bytes the document-formula vectors in the signer tests were computed with.
    public static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static readonly string[] ItemCodes = ["GA-001", "GA-002", "GA-003", "GA-004", "GA-005", "GA-006"];

    // 11010519491231002X is the document's own example: born 1949-12-31, sequence 002 (even: female).
    public static readonly Applicant Applicant = new("张伟", "11010519491231002X", "13812345678", "01", "320302", "2", new DateOnly(1949, 12, 31));

    // 09:30 in Xuzhou: SQSJ must read 20261128093000.
    public static readonly DateTimeOffset SubmittedAt = new(2026, 11, 28, 1, 30, 0, TimeSpan.Zero);

    public static JsonObject Form(string code, string sample = "valid") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))![sample]!
            .DeepClone().AsObject();

    public static CanonicalApplication Application(string code, string sample = "valid", JsonObject? form = null, Applicant? applicant = null, string? lsh = null) =>
        new(Guid.NewGuid().ToString("N"), code, lsh ?? NewLsh(), SubmittedAt, applicant ?? Applicant, form ?? Form(code, sample), [], null);

    public static string NewLsh() => $"HUB-{Guid.NewGuid():N}";

    /// <summary>The hub's settings with retries milliseconds apart; <paramref name="resilience"/> overrides Resilience:* keys.</summary>
    public static IConfiguration Configuration(Uri baseUrl, byte[]? key = null, IReadOnlyDictionary<string, string>? resilience = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:PublicSecurity:BaseUrl"] = baseUrl.ToString(),
            ["Departments:PublicSecurity:AccessUnitCode"] = AccessUnit,
            ["Departments:PublicSecurity:SigningKey"] = Convert.ToBase64String(key ?? Key),
            ["Departments:PublicSecurity:Resilience:MaxRetryAttempts"] = "3",
            ["Departments:PublicSecurity:Resilience:BaseDelay"] = "00:00:00.010",
            ["Departments:PublicSecurity:Resilience:AttemptTimeout"] = "00:00:05",
            ["Departments:PublicSecurity:Resilience:TotalTimeout"] = "00:00:20",
        };
        foreach (var (name, value) in resilience ?? new Dictionary<string, string>())
        {
            settings[$"Departments:PublicSecurity:Resilience:{name}"] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    public static PublicSecuritySandbox Bureau(TimeProvider? time = null, Uri? notifyUrl = null) =>
        new(AccessUnit, Key, notifyUrl, time ?? TimeProvider.System);
}
