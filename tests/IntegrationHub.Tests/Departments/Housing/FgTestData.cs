using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>Applications built from the catalog's realistic form samples, and the credentials both sides share.</summary>
internal static class FgTestData
{
    public const string ClientId = "320300SQPT01";
    public const string ClientSecret = "fg-test-client-secret-0123456789abcdef";
    public const string WebhookSecret = "fg-test-webhook-secret-房管-0123456789";

    public static readonly string[] ItemCodes = ["FG-001", "FG-002", "FG-003", "FG-004", "FG-005"];

    // 11010519491231002X is the shared standards' own example: born 1949-12-31, sequence 002 (even: female).
    public static readonly Applicant Applicant = new("张伟", "11010519491231002X", "13812345678", "01", "320302", "2", new DateOnly(1949, 12, 31));

    // 09:30 in Xuzhou: submitted_at must read 2026-11-28T09:30:00+08:00.
    public static readonly DateTimeOffset SubmittedAt = new(2026, 11, 28, 1, 30, 0, TimeSpan.Zero);

    public static JsonObject Form(string code, string sample = "valid") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))![sample]!
            .DeepClone().AsObject();

    public static CanonicalApplication Application(string code, string sample = "valid", JsonObject? form = null, Applicant? applicant = null,
        string? requestId = null, DateTimeOffset? submittedAt = null, string? traceParent = null) =>
        new(Guid.NewGuid().ToString("N"), code, requestId ?? Guid.NewGuid().ToString("N"), submittedAt ?? SubmittedAt,
            applicant ?? Applicant, form ?? Form(code, sample), [], traceParent);

    /// <summary>A clock shared by hub and bureau, a little after <see cref="SubmittedAt"/>.</summary>
    public static FakeTimeProvider Clock() => new(SubmittedAt.AddMinutes(30));

    /// <summary>The hub's settings with retries milliseconds apart; <paramref name="overrides"/> replaces Departments:Housing:* keys.</summary>
    public static IConfiguration Configuration(Uri baseUrl, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:Housing:BaseUrl"] = baseUrl.ToString(),
            ["Departments:Housing:ClientId"] = ClientId,
            ["Departments:Housing:ClientSecret"] = ClientSecret,
            ["Departments:Housing:WebhookSecret"] = WebhookSecret,
            ["Departments:Housing:Resilience:MaxRetryAttempts"] = "3",
            ["Departments:Housing:Resilience:BaseDelay"] = "00:00:00.010",
            ["Departments:Housing:Resilience:AttemptTimeout"] = "00:00:05",
            ["Departments:Housing:Resilience:TotalTimeout"] = "00:00:20",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[$"Departments:Housing:{name}"] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    public static HousingSandbox Bureau(TimeProvider? time = null, Uri? webhookUrl = null, TimeSpan? tokenLifetime = null) =>
        new(ClientId, ClientSecret, WebhookSecret, time ?? TimeProvider.System, webhookUrl, tokenLifetime);

    /// <summary>The hub's services as <see cref="HousingRegistration.AddHousing"/> registers them.</summary>
    public static ServiceProvider Hub(Uri baseUrl, TimeProvider? time = null, IDepartmentStatusSink? sink = null,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton(sink ?? new RecordingStatusSink());
        var configuration = new ConfigurationBuilder().AddConfiguration(Configuration(baseUrl, overrides)).AddInMemoryCollection(AdapterStorage.Settings()).Build();
        return services.AddAdapterStorage(configuration).AddHousing(configuration).BuildServiceProvider(validateScopes: true);
    }
}
