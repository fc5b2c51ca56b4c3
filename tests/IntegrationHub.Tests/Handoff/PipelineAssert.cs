using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

internal static class PipelineAssert
{
    /// <summary>Waits until the platform's webhook has received each status for the application, every one validly signed.</summary>
    public static async Task PlatformReceivedAsync(HubFixture hub, string id, string[] statuses)
    {
        var received = await Eventually.ReturnsAsync(
            () => Task.FromResult(hub.Platform.Received().Where(r => r.Event["applicationId"]!.GetValue<string>() == id).ToList()),
            r => statuses.All(s => r.Any(e => e.Event["status"]!.GetValue<string>() == s)),
            $"the platform to receive {string.Join(",", statuses)} for {id}");
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.All(received, r => Assert.Equal(r.Event["eventId"]!.GetValue<string>(), r.EventId));
    }

    /// <summary>The timeline's steps other than the platform's acknowledgements, as "kind:status" lines.</summary>
    public static IReadOnlyList<string> DepartmentSteps(System.Text.Json.Nodes.JsonNode application) =>
    [
        .. application["timeline"]!.AsArray()
            .Where(e => e!["kind"]!.GetValue<string>() != "platform-notified")
            .Select(e => $"{e!["kind"]}:{e["status"]}"),
    ];
}
