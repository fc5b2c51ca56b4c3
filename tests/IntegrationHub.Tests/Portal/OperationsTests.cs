using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// A hub whose 公安 circuit opens after two failures and stays open 15 s, whose hand-offs fail after two attempts, whose 24-hour rule is two seconds,
/// and which trusts App Service authentication, as on Azure.
/// </summary>
public sealed class OperationsHubFixture : HubFixture
{
    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Departments:PublicSecurity:Resilience:MinimumThroughput"] = "2";
        settings["Departments:PublicSecurity:Resilience:FailureRatio"] = "0.5";
        settings["Departments:PublicSecurity:Resilience:BreakDuration"] = "00:00:15";
        settings["Handoff:MaxAttempts"] = "2";
        settings["Portal:UnacknowledgedAfter"] = "00:00:02";
        settings["Portal:TrustAppServiceAuthentication"] = "true";
    }
}

[CollectionDefinition(Name)]
public sealed class OperationsCollection : ICollectionFixture<OperationsHubFixture>
{
    public const string Name = "operations";
}

[Collection(OperationsCollection.Name)]
public sealed class OperationsTests(OperationsHubFixture hub)
{
    [Fact]
    public async Task Replay_WhileCircuitOpen_IsRefusedAndDashboardShowsIt()
    {
        // Busy answers are failures the breaker counts (a 503 with Retry-After would only hold the bureau, not fail it).
        hub.PublicSecurity.GivenBusy(50);
        using var submitted = await hub.SubmitAsync(IntakeTests.Sample("GA-004"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var failed = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Failed", TimeSpan.FromSeconds(40));
        Assert.Contains(failed["timeline"]!.AsArray(), e => e!["departmentMessage"]?.GetValue<string>().Contains("Circuit open", StringComparison.Ordinal) == true);
        using var client = await OperatorAsync();

        using var replay = await client.PostAsJsonAsync($"/api/v1/portal/handoffs/{id}/replay", new { });
        var dashboard = await client.GetFromJsonAsync<JsonObject>("/api/v1/portal/dashboard");

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.NotNull((await replay.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["department"]);
        var ga = dashboard!["departments"]!.AsArray().Single(d => d!["department"]!.GetValue<string>() == "GA")!;
        Assert.True(ga["circuitOpen"]!.GetValue<bool>());
        Assert.Equal("Failed", (await hub.GetApplicationAsync(id))["handoff"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unacknowledged_PastTheConfiguredLimit_IsListedAndCounted()
    {
        // Housing answers 202 (received) and no webhook follows: no intake answer from the department.
        using var submitted = await hub.SubmitAsync(IntakeTests.Sample("FG-002"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null);
        using var client = await OperatorAsync();

        // Listed once the limit (2 s) has passed since submission.
        var list = await Eventually.ReturnsAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>("/api/v1/portal/unacknowledged"))!,
            l => l["items"]!.AsArray().Any(i => i!["applicationId"]!.GetValue<string>() == id), $"{id} to be listed as unacknowledged");
        var dashboard = await client.GetFromJsonAsync<JsonObject>("/api/v1/portal/dashboard");

        var item = list["items"]!.AsArray().Single(i => i!["applicationId"]!.GetValue<string>() == id)!;
        Assert.True(item["unacknowledged"]!.GetValue<bool>());
        Assert.True(dashboard!["unacknowledged"]!.GetValue<int>() >= 1);
    }

    [Theory]
    [InlineData("Hub.Operator", "operator")]
    [InlineData("Hub.Viewer", "viewer")]
    public async Task AppServicePrincipal_Roles_MapToPortalRoles(string claim, string role)
    {
        using var client = hub.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principal("zhao@xuzhou.gov.cn", claim));

        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/portal/me");

        Assert.Equal(role, me!["role"]!.GetValue<string>());
        Assert.Equal("zhao@xuzhou.gov.cn", me["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppServicePrincipal_WithoutAHubRole_Is401()
    {
        using var client = hub.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principal("guest@xuzhou.gov.cn", "Other.Role"));

        using var response = await client.GetAsync("/api/v1/portal/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<HttpClient> OperatorAsync() => hub.CreatePortalClientAsync();

    private static string Principal(string name, string role) => Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
    {
        ["auth_typ"] = "aad",
        ["claims"] = new JsonArray(
            new JsonObject { ["typ"] = "name", ["val"] = name },
            new JsonObject { ["typ"] = "roles", ["val"] = role }),
    }.ToJsonString()));
}
