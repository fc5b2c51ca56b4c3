using System.Net;
using System.Net.Http.Json;
using IntegrationHub.Local;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Tests.Hosts;

/// <summary>
/// The local host as <c>./hub run</c> starts it without configured secrets: the platform key and portal passwords it
/// generates are shown once on a terminal, written to an owner-only file when stdout is not one, and never logged.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class LocalHubSecretsTests(HubFixture hub) : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("hub-state-").FullName;

    [Fact]
    public async Task GeneratedSecrets_ShownOnlyOnATerminal_FiledOwnerOnlyOtherwise_NeverLogged()
    {
        var logs = new CapturedLogs();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var app = LocalHub.Build(
        [
            "--HUB_PORT=0",
            $"--HUB_STATE_DIR={_state}",
            $"--Storage:ConnectionString={hub.Azurite.ConnectionString}",
            $"--Security:Encryption:ActiveKeyId={HubFixture.EncryptionKeyId}",
            $"--Security:Encryption:Keys:{HubFixture.EncryptionKeyId}={hub.EncryptionKey}",
            $"--Storage:QueueName=secrets{suffix}",
            $"--Storage:TablePrefix=secrets{suffix}",
            "--Logging:LogLevel:Default=Debug",
        ], builder => builder.Logging.AddProvider(logs));
        await app.StartAsync();
        try
        {
            using var piped = new StringWriter();
            LocalHub.PrintWelcome(app, piped, terminal: false);
            var file = Path.Combine(_state, "credentials");
            var filed = await File.ReadAllTextAsync(file);
            var key = Value(filed, "key (X-Api-Key): ");
            var operatorPassword = Value(filed, "operator / ");
            var viewerPassword = Value(filed, "viewer / ");
            var secrets = new[] { key, operatorPassword, viewerPassword };

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Contains(file, piped.ToString(), StringComparison.Ordinal);
            Assert.All(secrets, s => Assert.DoesNotContain(s, piped.ToString(), StringComparison.Ordinal));

            // The filed secrets are the ones the hub uses.
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            using var read = await client.GetAsync("/api/v1/applications/no-such-application");
            using var signIn = await client.PostAsJsonAsync("/api/v1/portal/session", new { user = "operator", password = operatorPassword });
            using var wrong = await client.PostAsJsonAsync("/api/v1/portal/session", new { user = "viewer", password = operatorPassword });
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

            using var terminal = new StringWriter();
            LocalHub.PrintWelcome(app, terminal, terminal: true);

            Assert.All(secrets, s => Assert.Contains(s, terminal.ToString(), StringComparison.Ordinal));
            Assert.False(File.Exists(file));

            await app.StopAsync();
            Assert.NotEmpty(logs.Lines);
            Assert.All(secrets, s => Assert.DoesNotContain(logs.Lines, line => line.Contains(s, StringComparison.Ordinal)));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task GivenSecrets_AreNeverPrinted()
    {
        // A state folder that does not exist yet: nothing is filed, and nothing fails for its absence.
        var state = Path.Combine(_state, "not-yet");
        await using var app = LocalHub.Build(
        [
            "--HUB_PORT=0",
            $"--HUB_STATE_DIR={state}",
            "--HUB_PLATFORM_KEY=given-platform-key-0123456789",
            "--HUB_OPERATOR_PASSWORD=given-operator-password",
            "--HUB_VIEWER_PASSWORD=given-viewer-password",
            "--HUB_COMMUNITY_PASSWORD=given-community-password",
            $"--Storage:ConnectionString={hub.Azurite.ConnectionString}",
            $"--Security:Encryption:ActiveKeyId={HubFixture.EncryptionKeyId}",
            $"--Security:Encryption:Keys:{HubFixture.EncryptionKeyId}={hub.EncryptionKey}",
            "--Departments:PublicSecurity:BaseUrl=http://127.0.0.1:9/ga",
            "--Departments:PublicSecurity:AccessUnitCode=320300SQPT01",
            $"--Departments:PublicSecurity:SigningKey={Convert.ToBase64String(new byte[32])}",
            "--Departments:Housing:BaseUrl=http://127.0.0.1:9/fg",
            "--Departments:Housing:ClientId=xz-community-hub",
            "--Departments:Housing:ClientSecret=fg-client-secret-0123456789",
            "--Departments:Housing:WebhookSecret=fg-webhook-secret-0123456789",
            "--Departments:SocialSecurity:BaseUrl=http://127.0.0.1:9/rs",
            "--Departments:SocialSecurity:OrgCode=320300SQPT",
            "--Departments:SocialSecurity:SigningKey=rs-test-signing-key-0123456789abcdef",
            $"--Storage:QueueName=given{Guid.NewGuid():N}"[..40],
            "--Storage:TablePrefix=given",
        ]);
        await app.StartAsync();

        foreach (var terminal in new[] { true, false })
        {
            using var output = new StringWriter();
            LocalHub.PrintWelcome(app, output, terminal);

            Assert.Contains("as configured (nothing generated)", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("given-", output.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(state));
        }

        await app.StopAsync();
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private static string Value(string text, string label)
    {
        var line = text.Split('\n').Single(l => l.Contains(label, StringComparison.Ordinal));
        return line[(line.IndexOf(label, StringComparison.Ordinal) + label.Length)..].Trim();
    }
}
