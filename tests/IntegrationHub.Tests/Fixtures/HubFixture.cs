using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Local;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Local.Workers;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Simulators;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// The local host, exactly as <c>./hub run</c> builds it, on a free loopback port over a real Azurite,
/// with the platform's webhook receiver beside it. Timing is shortened so retries run in milliseconds.
/// One per test collection; tests speak to it over real HTTP.
/// </summary>
public class HubFixture : IAsyncLifetime
{
    public const string PlatformA = "platform-a";
    public const string KeyA = "platform-a-key-0123456789abcdef";
    public const string PlatformB = "platform-b";
    public const string KeyB = "platform-b-key-0123456789abcdef";
    public const string OperatorUser = "wang.operator";
    public const string ViewerUser = "li.viewer";
    public const string Password = "portal-test-password";

    private WebApplication? _app;

    public Azurite Azurite { get; private set; } = null!;

    public PlatformReceiver Platform { get; } = new();

    /// <summary>The strict sandbox 公安 this hub delivers to; tests steer its faults and send its notifications.</summary>
    internal PublicSecuritySandbox PublicSecurity { get; } = new("320300SQPT01", PublicSecurityKey, notifyUrl: null, TimeProvider.System);

    public static readonly byte[] PublicSecurityKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];

    public const string SocialSecurityOrg = "320300SQPT";
    public const string SocialSecurityKey = "rs-test-signing-key-0123456789abcdef";

    /// <summary>The strict 人社 gateway sandbox: decides a second after intake, refuses queries closer than a second apart.</summary>
    internal SocialSecuritySandbox SocialSecurity { get; private set; } = null!;

    public const string HousingClientId = "xz-community-hub";
    public const string HousingClientSecret = "fg-client-secret-0123456789";
    public const string HousingWebhookSecret = "fg-webhook-secret-0123456789";

    /// <summary>The strict 房管 open API sandbox; tests send its webhooks and set its reconciliation answers.</summary>
    internal HousingSandbox Housing { get; } = new(HousingClientId, HousingClientSecret, HousingWebhookSecret, TimeProvider.System);

    /// <summary>The 人社 maintenance window as local (+08:00) times; empty (start = end) unless a fixture needs one.</summary>
    protected virtual (TimeOnly Start, TimeOnly End) SocialSecurityMaintenance => (TimeOnly.MinValue, TimeOnly.MinValue);

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The local host's timers (Functions timer format, seconds first): every second, so sweeps run in test time.</summary>
    public const string EverySecond = "* * * * * *";

    /// <summary>A schedule that never comes (30 February), for a fixture whose tests drive a job themselves.</summary>
    public const string Never = "0 0 0 30 2 *";

    /// <summary>Sets the schedule of the hand-off's periodic jobs (the stranded sweep, the follow-ups, erasure, the queue gauges).</summary>
    public static void ScheduleSweeps(Dictionary<string, string> settings, string schedule)
    {
        settings["Handoff:SweepSchedule"] = schedule;
        settings["Handoff:FollowUpSchedule"] = schedule;
        settings["Security:Retention:Schedule"] = schedule;
        settings["Telemetry:QueueSampleSchedule"] = schedule;
    }

    public IServiceProvider Services => _app!.Services;

    public WebApplication App => _app!;

    public virtual async Task InitializeAsync()
    {
        Azurite = await StartAzuriteAsync();
        var (start, end) = SocialSecurityMaintenance;
        SocialSecurity = new SocialSecuritySandbox(SocialSecurityOrg, SocialSecurityKey, TimeProvider.System, new SocialSecuritySandboxSettings
        {
            DecisionDelay = TimeSpan.FromSeconds(1),
            MinQueryInterval = TimeSpan.FromSeconds(1),
            MaintenanceStart = start,
            MaintenanceEnd = end,
        });
        _app = BuildInstance();
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
        PublicSecurity.NotifyUrl = new Uri(BaseAddress, "/api/v1/departments/ga/notifications");
        Housing.WebhookUrl = new Uri(BaseAddress, "/api/v1/departments/fg/webhooks");
    }

    /// <summary>One more hub instance over the same storage with the same settings, as Azure runs many; the caller starts and stops it.</summary>
    public WebApplication BuildInstance()
    {
        var settings = Settings();
        Configure(settings);
        return LocalHub.Build([.. settings.Select(s => $"--{s.Key}={s.Value}")], ConfigureHost);
    }

    /// <summary>Lets a fixture of its own change settings before the hub starts.</summary>
    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    /// <summary>Lets a fixture of its own add to the host (a logging provider) before it is built.</summary>
    protected virtual void ConfigureHost(WebApplicationBuilder builder)
    {
    }

    /// <summary>The fixture's Azurite: in memory unless a fixture needs its data on disk.</summary>
    protected virtual Task<Azurite> StartAzuriteAsync() => Azurite.StartAsync();

    /// <summary>The key ring the hub seals personal data with: one fresh key per fixture.</summary>
    public const string EncryptionKeyId = "test1";

    public string EncryptionKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private Dictionary<string, string> Settings() => new()
    {
        ["HUB_PORT"] = "0",
        ["Storage:ConnectionString"] = Azurite.ConnectionString,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Platforms:Clients:0:Name"] = PlatformA,
        ["Platforms:Clients:0:ApiKey"] = KeyA,
        ["Platforms:Clients:0:WebhookUrl"] = Platform.WebhookUrl.ToString(),
        ["Platforms:Clients:0:WebhookSecret"] = PlatformReceiver.Secret,
        ["Platforms:Clients:1:Name"] = PlatformB,
        ["Platforms:Clients:1:ApiKey"] = KeyB,
        ["Handoff:RetryBaseDelay"] = "00:00:00.200",
        ["Handoff:RetryMaxDelay"] = "00:00:01",
        ["Handoff:MaxAttempts"] = "3",
        ["Handoff:PollInterval"] = "00:00:00.100",
        ["Handoff:StrandedAfter"] = "00:00:03",
        ["Handoff:SweepSchedule"] = EverySecond,
        ["Handoff:FollowUpSchedule"] = EverySecond,
        ["Security:Retention:Schedule"] = EverySecond,
        ["Telemetry:QueueSampleSchedule"] = EverySecond,
        ["Handoff:MaxDequeueCount"] = "2",
        ["Portal:SessionKey"] = "test-session-key-0123456789abcdefghijklmnop",
        ["Security:Encryption:ActiveKeyId"] = EncryptionKeyId,
        [$"Security:Encryption:Keys:{EncryptionKeyId}"] = EncryptionKey,
        ["Portal:Accounts:0:User"] = OperatorUser,
        ["Portal:Accounts:0:Password"] = Password,
        ["Portal:Accounts:0:Role"] = "operator",
        ["Portal:Accounts:1:User"] = ViewerUser,
        ["Portal:Accounts:1:Password"] = Password,
        ["Portal:Accounts:1:Role"] = "viewer",
        ["Portal:Accounts:9:User"] = "shegong", // issue 12: the README's community worker (蝶梦社区), at an index no fixture overrides
        ["Portal:Accounts:9:Password"] = Password,
        ["Portal:Accounts:9:Role"] = "community-worker",
        ["Portal:Accounts:9:Community"] = "DIEMENG",

        // Many tests sign in from one address as one account; the door's own tests set the sign-in limits they test.
        ["Portal:SignIn:AttemptsPerAccount"] = "1000",
        ["Portal:SignIn:AttemptsPerAddress"] = "100000",
        ["Handoff:VisibilityTimeout"] = "00:00:05",
        ["Events:Pump:RetryBaseDelay"] = "00:00:00.200",
        ["Events:Pump:RetryMaxDelay"] = "00:00:01",
        ["Events:Pump:CatchUpInterval"] = "00:00:01",

        // Issue 16: instances re-count each other every half second, and the jitter margin fits the sandboxes' 1 s intervals.
        ["Departments:Shared:MembershipRefresh"] = "00:00:00.500",
        ["Departments:Shared:ClockSkew"] = "00:00:00.100",
        ["Departments:PublicSecurity:BaseUrl"] = PublicSecurity.BaseUrl.ToString(),
        ["Departments:PublicSecurity:AccessUnitCode"] = "320300SQPT01",
        ["Departments:PublicSecurity:SigningKey"] = Convert.ToBase64String(PublicSecurityKey),
        ["Departments:PublicSecurity:Resilience:MaxRetryAttempts"] = "3",
        ["Departments:PublicSecurity:Resilience:BaseDelay"] = "00:00:00.050",
        ["Departments:PublicSecurity:Resilience:AttemptTimeout"] = "00:00:02",
        ["Departments:PublicSecurity:Resilience:TotalTimeout"] = "00:00:10",
        ["Departments:PublicSecurity:Resilience:SamplingDuration"] = "00:00:05",
        ["Departments:PublicSecurity:Resilience:BreakDuration"] = "00:00:01",
        ["Departments:PublicSecurity:Resilience:MinimumThroughput"] = "100",
        ["Departments:Housing:BaseUrl"] = Housing.BaseUrl.ToString(),
        ["Departments:Housing:ClientId"] = HousingClientId,
        ["Departments:Housing:ClientSecret"] = HousingClientSecret,
        ["Departments:Housing:WebhookSecret"] = HousingWebhookSecret,
        ["Departments:Housing:ReconcileAfter"] = "00:00:02",
        ["Departments:Housing:Resilience:MaxRetryAttempts"] = "3",
        ["Departments:Housing:Resilience:BaseDelay"] = "00:00:00.050",
        ["Departments:Housing:Resilience:AttemptTimeout"] = "00:00:02",
        ["Departments:Housing:Resilience:TotalTimeout"] = "00:00:10",
        ["Departments:Housing:Resilience:SamplingDuration"] = "00:00:05",
        ["Departments:Housing:Resilience:BreakDuration"] = "00:00:01",
        ["Departments:Housing:Resilience:MinimumThroughput"] = "100",
        ["Departments:SocialSecurity:BaseUrl"] = SocialSecurity.BaseUrl.ToString(),
        ["Departments:SocialSecurity:OrgCode"] = SocialSecurityOrg,
        ["Departments:SocialSecurity:SigningKey"] = SocialSecurityKey,
        ["Departments:SocialSecurity:PollInterval"] = "00:00:01",
        ["Departments:SocialSecurity:MinQueryInterval"] = "00:00:01",
        ["Departments:SocialSecurity:MaintenanceStart"] = SocialSecurityMaintenance.Start.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        ["Departments:SocialSecurity:MaintenanceEnd"] = SocialSecurityMaintenance.End.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        ["Departments:SocialSecurity:Resilience:MaxRetryAttempts"] = "3",
        ["Departments:SocialSecurity:Resilience:BaseDelay"] = "00:00:00.050",
        ["Departments:SocialSecurity:Resilience:AttemptTimeout"] = "00:00:02",
        ["Departments:SocialSecurity:Resilience:TotalTimeout"] = "00:00:10",
        ["Departments:SocialSecurity:Resilience:SamplingDuration"] = "00:00:05",
        ["Departments:SocialSecurity:Resilience:BreakDuration"] = "00:00:01",
        ["Departments:SocialSecurity:Resilience:MinimumThroughput"] = "100",
    };

    public HttpClient CreateClient(string? apiKey = KeyA)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>A client signed in to the portal as <paramref name="user"/>, carrying the session cookie as a browser would.</summary>
    public async Task<HttpClient> CreatePortalClientAsync(string user = OperatorUser)
    {
#pragma warning disable CA2000 // The client owns the handler and disposes it.
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };
#pragma warning restore CA2000
        using var signIn = await client.PostAsJsonAsync("/api/v1/portal/session", new { user, password = Password });
        signIn.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Add("Cookie", signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        return client;
    }

    /// <summary>
    /// Submits an application. A body without <c>materials</c> gets the materials its item and form need, uploaded first
    /// (small PDFs), as a platform would; a test of the door's material rules sends <c>materials</c> itself.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(JsonObject body, string? idempotencyKey = null, string? apiKey = KeyA)
    {
        body = await WithMaterialsAsync(body, apiKey);
        using var client = CreateClient(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    /// <summary>The body with the materials its item and form need, uploaded; the body itself when it names its own or needs none.</summary>
    public async Task<JsonObject> WithMaterialsAsync(JsonObject body, string? apiKey = KeyA)
    {
        // A submission a platform could not make (no key, a wrong one) gets none: it is refused before materials matter.
        if (apiKey is not (KeyA or KeyB) || body.ContainsKey("materials") || body["itemCode"]?.GetValue<string>() is not { } item || body["form"] is not JsonObject form
            || Catalog.Find(item.Trim()) is not { } entry)
        {
            return body;
        }

        var wanted = entry.Materials.Where(m => IntegrationHub.Catalog.CatalogMaterials.IsWanted(m, form)).ToList();
        if (wanted.Count == 0)
        {
            return body;
        }

        var copy = body.DeepClone().AsObject();
        var materials = new JsonArray();
        foreach (var material in wanted)
        {
            // One file per platform and code, reused: the same body submitted twice names the same materials (a replay).
            if (!_materials.TryGetValue((apiKey!, material.Code), out var id))
            {
                id = _materials[(apiKey!, material.Code)] = await UploadMaterialAsync(material.Code, TestFiles.Pdf(marker: material.Code), apiKey: apiKey);
            }

            materials.Add(new JsonObject { ["code"] = material.Code, ["materialId"] = id });
        }

        copy["materials"] = materials;
        return copy;
    }

    /// <summary>Uploads one material (<c>POST /api/v1/materials</c>) and answers its id; the upload must succeed.</summary>
    public async Task<string> UploadMaterialAsync(string code, byte[] content, string contentType = "application/pdf", string? apiKey = KeyA, string? idempotencyKey = null)
    {
        using var response = await PostMaterialAsync(code, content, contentType, apiKey, idempotencyKey);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"upload of {code}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["materialId"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> PostMaterialAsync(string code, byte[] content, string contentType = "application/pdf", string? apiKey = KeyA,
        string? idempotencyKey = null, string? itemCode = null)
    {
        using var client = CreateClient(apiKey);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", "material");
        form.Add(new StringContent(code), "code");
        if (itemCode is not null)
        {
            form.Add(new StringContent(itemCode), "itemCode");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/materials") { Content = form };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    private static readonly IntegrationHub.Catalog.ServiceCatalog Catalog = IntegrationHub.Catalog.ServiceCatalog.LoadEmbedded();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string ApiKey, string Code), string> _materials = new();

    public async Task<JsonNode> GetApplicationAsync(string id, string apiKey = KeyA)
    {
        using var client = CreateClient(apiKey);
        return (await client.GetFromJsonAsync<JsonNode>($"/api/v1/applications/{id}"))!;
    }

    /// <summary>Signs in to the portal as <paramref name="user"/> and returns the session cookie as a <c>Cookie</c> header value.</summary>
    public async Task<string> PortalCookieAsync(string user)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/v1/portal/session", new { user, password = Password });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    /// <summary>
    /// Polls the application until <paramref name="done"/> holds, then waits for the effects its steps write behind them
    /// (its feed events, the portal's counters and sets: docs/storage.md); fails with its last state otherwise.
    /// </summary>
    public async Task<JsonNode> WaitForAsync(string id, Func<JsonNode, bool> done, TimeSpan? within = null)
    {
        var found = await Eventually.ReturnsAsync(() => GetApplicationAsync(id), done, $"application {id} to reach the expected state", within);
        await Services.GetRequiredService<ApplicationStore>().SettledAsync(id);
        return found;
    }

    /// <summary>
    /// Waits until the hand-off worker has found its queue empty, with nothing of its own running, in a receive that began
    /// after this call: what was enqueued before has been handled (or nothing was). A test asserts "nothing happened" then.
    /// </summary>
    public async Task HandoffsSettledAsync(WebApplication? instance = null)
    {
        var since = System.Diagnostics.Stopwatch.GetTimestamp();
        var services = (instance ?? App).Services;
        var worker = services.GetServices<IHostedService>().OfType<QueueWorker>().Single(w => w.Function == "HandOff");
        await Eventually.HoldsAsync(() => worker.SettledAt > since, "the hand-off worker to find its queue empty");
        await services.GetRequiredService<ApplicationStore>().SettledAsync();
    }

    /// <summary>Waits until the timer job standing in for <paramref name="function"/> has ended a run that began at least <paramref name="after"/> from now.</summary>
    public Task TimerRanAsync(string function, TimeSpan after = default)
    {
        var since = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(after.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var job = App.Services.GetServices<IHostedService>().OfType<TimerJob>().Single(j => j.Function == function);
        return Eventually.HoldsAsync(() => job.RanFrom > since, $"a run of {function}");
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Platform.Dispose();
        await PublicSecurity.DisposeAsync();
        await SocialSecurity.DisposeAsync();
        await Housing.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub";
}

/// <summary>A hub of its own for tests that steer department faults, so no other test's delivery consumes them.</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "pipeline";
}
