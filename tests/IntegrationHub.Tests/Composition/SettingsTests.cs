using IntegrationHub.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Composition;

/// <summary>
/// Loud configuration: one bad value of each options class (and of the local host's HUB_* variables and the sandboxes'
/// settings) stops the host's start with a message that names the setting and the rule. The hub is built as
/// <c>./hub run</c> builds it; nothing here reaches storage or a department, since the start stops first.
/// </summary>
public sealed class SettingsTests
{
    public static TheoryData<string, string, string> BadSettings() => new()
    {
        { "Platforms:Clients:0:ApiKey", "too-short", "must be at least 16 characters" },
        { "Platforms:Clients:0:WebhookUrl", "/relative", "must be an absolute http or https URI" },
        { "Portal:SessionKey", "short-session-key", "minimum length of '32'" },
        { "Portal:Accounts:0:Role", "admin", "must be viewer, operator, community-worker or street-supervisor" },
        { "Portal:PublicOrigin", "https://hub.example/portal/", "must be an origin" },
        { "Portal:SignIn:LockoutThreshold", "0", "must be between 1 and 100" },
        { "Storage:QueueName", "Hand_Offs", "must be 3-63 lowercase letters and digits" },
        { "Storage:ConnectionString", "not a connection string", "must be a storage connection string" },
        { "Handoff:MaxAttempts", "0", "must be between 1 and 100" },
        { "Handoff:PollInterval", "00:00:00", "must be between 00:00:00.0100000 and 00:10:00" },
        { "Handoff:RetryMaxDelay", "00:00:01", "must not be shorter than RetryBaseDelay" },
        { "Handoff:SweepSchedule", "00:00:30", "must be a six-field CRON expression with seconds" },
        { "Suggestions:DeadlineSchedule", "*/5 * * * *", "must be a six-field CRON expression with seconds" },
        { "Security:Retention:Schedule", "every minute", "must be a six-field CRON expression with seconds" },
        { "Departments:PublicSecurity:SigningKey", "c2hvcnQta2V5", "must be base64 of at least 32 bytes" },
        { "Departments:PublicSecurity:Resilience:TotalTimeout", "00:00:01", "must not be shorter than AttemptTimeout" },
        { "Departments:Housing:BaseUrl", "ftp://127.0.0.1/fg", "must be an absolute http or https URI" },
        { "Departments:Housing:Resilience:MaxRetryAttempts", "0", "must be between 1 and 10" },
        { "Departments:SocialSecurity:PollInterval", "00:00:10", "must not be shorter than MinQueryInterval" },
        { "Departments:SocialSecurity:Resilience:FailureRatio", "2", "must be between 0.01 and 1" },
        { "Security:IdHash:Key", "short", "minimum length of '16'" },
        { "Events:ServiceBus:FullyQualifiedNamespace", "sb://hub.servicebus.windows.net/", "must be the namespace's host name" },
        { "Events:ServiceBus:Topic", "status", "is set without FullyQualifiedNamespace" },
        { "Handoff:MaxAttempt", "3", "is not a setting of Handoff" },
        { "Departments:Housing:Resilience:Retries", "3", "is not a setting of Departments:Housing" },
        { "Departments:Housing:ClientSecret", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/fg-client-secret)", "unresolved Key Vault reference" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_BadSetting_FailsNamingTheSettingAndTheRule(string key, string value, string rule)
    {
        var message = await StartFailureAsync(With((key, value)));

        Assert.Contains($"{key} (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}): ", message, StringComparison.Ordinal);
        Assert.Contains(rule, message, StringComparison.Ordinal);
        if (key.EndsWith("Key", StringComparison.Ordinal) || key.EndsWith("Secret", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_ValueOfTheWrongType_FailsNamingTheSetting()
    {
        var message = await StartFailureAsync(With(("Handoff:MaxAttempts", "many")));

        Assert.Contains("Handoff:MaxAttempts", message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadLocalSettings() => new()
    {
        // Used to be replaced by a random key in silence.
        { "HUB_PLATFORM_KEY", "short-key", "HUB_PLATFORM_KEY: must be at least 16 characters" },
        { "HUB_PORT", "seventy", "HUB_PORT: must be a TCP port number from 0 to 65535" },
        { "HUB_PORT", "70710", "HUB_PORT: must be a TCP port number from 0 to 65535" },
        { "HUB_PLATFORM_WEBHOOK_URL", "127.0.0.1:9000/hook", "HUB_PLATFORM_WEBHOOK_URL: must be an absolute http or https URL" },
        { "HUB_PLATFORM_WEBHOOK_SECRET", "a-secret-without-a-url", "HUB_PLATFORM_WEBHOOK_SECRET: is set without HUB_PLATFORM_WEBHOOK_URL" },
        { "HUB_OPERATOR_PASSWORD", "short", "HUB_OPERATOR_PASSWORD: must be at least 8 characters" },
    };

    [Theory]
    [MemberData(nameof(BadLocalSettings))]
    public async Task Start_BadLocalVariable_FailsNamingIt(string key, string value, string expected)
    {
        var settings = With((key, value));
        foreach (var configured in settings.Keys.Where(k => k.StartsWith("Platforms:", StringComparison.Ordinal) || k.StartsWith("Portal:Accounts", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(configured);
        }

        var message = await StartFailureAsync(settings);

        Assert.Contains(expected, message, StringComparison.Ordinal);
        if (key.Contains("KEY", StringComparison.Ordinal) || key.Contains("PASSWORD", StringComparison.Ordinal) || key.Contains("SECRET", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("HUB_PLATFORM_KEY", "a-key-of-sixteen-or-more", "is ignored because Platforms:Clients is configured")]
    [InlineData("HUB_VIEWER_PASSWORD", "a-long-viewer-password", "is ignored because Portal:Accounts is configured")]
    public async Task Start_LocalVariableThatWouldBeIgnored_FailsNamingIt(string key, string value, string expected)
    {
        var message = await StartFailureAsync(With((key, value)));

        Assert.Contains($"{key}: {expected}", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Departments:Housing", "ClientSecret")]
    [InlineData("Departments:PublicSecurity", "SigningKey")]
    [InlineData("Departments:SocialSecurity", "OrgCode")]
    public async Task Start_DepartmentCredentialWithoutBaseUrl_FailsInsteadOfUsingTheSandbox(string section, string credential)
    {
        var settings = With();
        settings.Remove($"{section}:BaseUrl");

        var message = await StartFailureAsync(settings);

        Assert.Contains($"{section}:{credential} (environment variable", message, StringComparison.Ordinal);
        Assert.Contains($"is set but {section}:BaseUrl is not", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureAppSettings_InTheBicep_AreAllSettingsTheHubKnows()
    {
        // The start refuses a key no option reads; the Functions app's settings must not be refused for that on Azure.
        var sections = new (string Section, Type Options)[]
        {
            ("Storage", typeof(IntegrationHub.Storage.StorageOptions)),
            ("Events:ServiceBus", typeof(IntegrationHub.Events.StatusTopicOptions)),
            ("Security:IdHash", typeof(IntegrationHub.Applications.IdHashOptions)),
            ("Portal", typeof(IntegrationHub.Portal.PortalOptions)),
            ("Platforms", typeof(IntegrationHub.Platforms.PlatformOptions)),
            ("Departments:PublicSecurity", typeof(IntegrationHub.Departments.PublicSecurity.PublicSecurityOptions)),
            ("Departments:Housing", typeof(IntegrationHub.Departments.Housing.HousingOptions)),
            ("Departments:SocialSecurity", typeof(IntegrationHub.Departments.SocialSecurity.SocialSecurityOptions)),
        };
        var bicep = File.ReadAllText(Path.Combine(Fixtures.Azurite.RepoRoot(), "infra", "modules", "functionapp.bicep"));
        var keys = System.Text.RegularExpressions.Regex.Matches(bicep, "name: '([A-Za-z0-9_]+__[A-Za-z0-9_]+)'")
            .Select(m => m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal))
            .Where(k => sections.Any(s => k.StartsWith(s.Section + ":", StringComparison.Ordinal)))
            .ToList();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(keys.Select(k => KeyValuePair.Create(k, (string?)"x")))
            .Build();

        Assert.Contains("Storage:queueServiceUri", keys);
        Assert.True(keys.Count >= 20, $"only {keys.Count} settings found in the Bicep");
        foreach (var (section, options) in sections)
        {
            Assert.Empty(IntegrationHub.Composition.Settings.SilentFaults(configuration.GetSection(section), options));
        }
    }

    [Fact]
    public void Baseline_PassesEveryCheck()
    {
        // The failures above come from the one value each changes, not from the baseline they share.
        using var app = LocalHub.Build(Args(With()));

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static Dictionary<string, string> With(params (string Key, string Value)[] changes)
    {
        var settings = new Dictionary<string, string>
        {
            ["HUB_PORT"] = "0",
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            ["Security:Encryption:ActiveKeyId"] = "k1",
            ["Security:Encryption:Keys:k1"] = Convert.ToBase64String(new byte[32]),
            ["Platforms:Clients:0:Name"] = "platform-a",
            ["Platforms:Clients:0:ApiKey"] = "platform-a-key-0123456789abcdef",
            ["Portal:SessionKey"] = "test-session-key-0123456789abcdefghijklmnop",
            ["Portal:Accounts:0:User"] = "wang.operator",
            ["Portal:Accounts:0:Password"] = "portal-test-password",
            ["Portal:Accounts:0:Role"] = "operator",
            ["Departments:PublicSecurity:BaseUrl"] = "http://127.0.0.1:9/ga",
            ["Departments:PublicSecurity:AccessUnitCode"] = "320300SQPT01",
            ["Departments:PublicSecurity:SigningKey"] = Convert.ToBase64String(new byte[32]),
            ["Departments:Housing:BaseUrl"] = "http://127.0.0.1:9/fg",
            ["Departments:Housing:ClientId"] = "xz-community-hub",
            ["Departments:Housing:ClientSecret"] = "fg-client-secret-0123456789",
            ["Departments:Housing:WebhookSecret"] = "fg-webhook-secret-0123456789",
            ["Departments:SocialSecurity:BaseUrl"] = "http://127.0.0.1:9/rs",
            ["Departments:SocialSecurity:OrgCode"] = "320300SQPT",
            ["Departments:SocialSecurity:SigningKey"] = "rs-test-signing-key-0123456789abcdef",
        };
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static string[] Args(Dictionary<string, string> settings) => [.. settings.Select(s => $"--{s.Key}={s.Value}")];

    /// <summary>Builds and starts the hub; returns the messages of what stopped it (the test fails if it starts).</summary>
    private static async Task<string> StartFailureAsync(Dictionary<string, string> settings)
    {
        WebApplication? app = null;
        try
        {
            app = LocalHub.Build(Args(settings));
            await app.StartAsync();
            await app.StopAsync();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or AggregateException)
        {
            return ex is AggregateException many ? string.Join(Environment.NewLine, many.Flatten().InnerExceptions.Select(e => e.Message)) : ex.Message;
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        Assert.Fail("The hub started with a bad setting.");
        return "";
    }
}
