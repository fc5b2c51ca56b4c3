using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>A hub whose 人社 maintenance window (on both sides) started a minute ago and ends 25 seconds after start-up (room for a busy machine).</summary>
public sealed class MaintenanceHubFixture : HubFixture
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private (TimeOnly Start, TimeOnly End)? _window;

    protected override (TimeOnly Start, TimeOnly End) SocialSecurityMaintenance => _window ??= Window();

    public DateTimeOffset WindowEnd { get; private set; }

    private (TimeOnly, TimeOnly) Window()
    {
        // Whole seconds: the hub reads the window from configuration as HH:mm:ss, the sandbox takes it as is.
        var now = TimeProvider.System.GetUtcNow().ToOffset(China);
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        WindowEnd = now.AddSeconds(25);
        return (TimeOnly.FromDateTime(now.AddMinutes(-1).DateTime), TimeOnly.FromDateTime(WindowEnd.DateTime));
    }
}

[CollectionDefinition(Name)]
public sealed class MaintenanceCollection : ICollectionFixture<MaintenanceHubFixture>
{
    public const string Name = "maintenance";
}

[Collection(MaintenanceCollection.Name)]
public sealed class MaintenanceWindowTests(MaintenanceHubFixture hub)
{
    [Fact]
    public async Task Delivery_DuringMaintenance_IsHeldThenDeliveredWithNoFailedAttempt()
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample("RS-001"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();

        var held = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Held");
        Assert.True(TimeProvider.System.GetUtcNow() < hub.WindowEnd, "the window ended before the test could look: the machine was too slow");
        Assert.DoesNotContain(hub.SocialSecurity.ReceivedCalls, c => c.TransId == id);
        Assert.Equal("Submitted", held["status"]!.GetValue<string>());

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(60));

        var attempts = done["timeline"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() == "attempt").Select(e => e!["outcome"]!.GetValue<string>()).ToList();
        Assert.All(attempts, outcome => Assert.Contains(outcome, new[] { "Held", "Received" }));
        Assert.Equal("Received", attempts[^1]);
        Assert.DoesNotContain(done["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
        var calls = hub.SocialSecurity.ReceivedCalls.Where(c => c.TransId == id).ToList();
        Assert.Equal("0000", Assert.Single(calls).RetCode);
        Assert.True(calls[0].Time >= hub.WindowEnd, "delivered before the window ended");
    }
}
