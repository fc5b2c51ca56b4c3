using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Configuration;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>Applications built from the catalog's realistic form samples, the credentials both sides share, and the hub as registered.</summary>
internal static class RsTestData
{
    public const string OrgCode = "320300SQPT";
    public const string SigningKey = "rs-joint-test-key-2026";

    public static readonly string[] ItemCodes = ["RS-001", "RS-002", "RS-003", "RS-004", "RS-005", "RS-006", "RS-007", "RS-008"];

    // 320302198506121230: born 1985-06-12, sequence 123 (odd: male), check digit 0.
    public static readonly Applicant Applicant = new("李明", "320302198506121230", "13912345678", "01", "320302", "1", new DateOnly(1985, 6, 12));

    public static readonly DateTimeOffset SubmittedAt = new(2026, 11, 28, 1, 30, 0, TimeSpan.Zero);

    /// <summary>A moment on 2026-11-28 in Xuzhou (+08:00).</summary>
    public static DateTimeOffset China(int hour, int minute, int second = 0) =>
        new(2026, 11, 28, hour, minute, second, TimeSpan.FromHours(8));

    public static JsonObject Form(string code, string sample = "valid") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))![sample]!
            .DeepClone().AsObject();

    public static CanonicalApplication Application(string code, string sample = "valid", JsonObject? form = null, Applicant? applicant = null, string? transId = null) =>
        new(Guid.NewGuid().ToString("N"), code, transId ?? NewTransId(), SubmittedAt, applicant ?? Applicant, form ?? Form(code, sample), [], null);

    // The hub's hand-off key: the application id, 32 lowercase hex characters.
    public static string NewTransId() => Guid.CreateVersion7().ToString("N");

    /// <summary>The hub's settings with retries milliseconds apart; <paramref name="overrides"/> replaces keys under the section.</summary>
    public static IConfiguration Configuration(Uri baseUrl, string? key = null, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:SocialSecurity:BaseUrl"] = baseUrl.ToString(),
            ["Departments:SocialSecurity:OrgCode"] = OrgCode,
            ["Departments:SocialSecurity:SigningKey"] = key ?? SigningKey,
            ["Departments:SocialSecurity:Resilience:MaxRetryAttempts"] = "3",
            ["Departments:SocialSecurity:Resilience:BaseDelay"] = "00:00:00.010",
            ["Departments:SocialSecurity:Resilience:AttemptTimeout"] = "00:00:05",
            ["Departments:SocialSecurity:Resilience:TotalTimeout"] = "00:00:20",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[$"Departments:SocialSecurity:{name}"] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>The adapter as the hub registers it, on <paramref name="time"/>.</summary>
    public static ServiceProvider Hub(Uri baseUrl, TimeProvider time, string? key = null, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var configuration = new ConfigurationBuilder().AddConfiguration(Configuration(baseUrl, key, overrides)).AddInMemoryCollection(AdapterStorage.Settings()).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(time)
            .AddAdapterStorage(configuration)
            .AddSocialSecurity(configuration)
            .BuildServiceProvider(validateScopes: true);
    }

    public static SocialSecuritySandbox Gateway(TimeProvider time, SocialSecuritySandboxSettings? settings = null) =>
        new(OrgCode, SigningKey, time, settings);
}

/// <summary>
/// A clock set to a chosen moment that then runs in real time: the maintenance window and the gateway's timestamp check
/// see a known time of day, while delays and timeouts (retries, the resilience pipeline) stay real.
/// </summary>
internal sealed class ShiftedClock(DateTimeOffset startsAt) : TimeProvider
{
    private readonly TimeSpan _shift = startsAt - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
}
