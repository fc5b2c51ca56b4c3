using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

internal static class PipelineAssert
{
    /// <summary>Waits until the platform's webhook has received each status for the application, every one validly signed.</summary>
    public static async Task PlatformReceivedAsync(HubFixture hub, string id, string[] statuses)
    {
        for (var i = 0; i < 150; i++)
        {
            var received = hub.Platform.Received().Where(r => r.Event["applicationId"]!.GetValue<string>() == id).ToList();
            if (statuses.All(s => received.Any(r => r.Event["status"]!.GetValue<string>() == s)))
            {
                Assert.All(received, r => Assert.True(r.SignatureValid));
                Assert.All(received, r => Assert.Equal(r.Event["eventId"]!.GetValue<string>(), r.EventId));
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the platform did not receive {string.Join(",", statuses)} for {id}");
    }

    /// <summary>The timeline's steps other than the platform's acknowledgements, as "kind:status" lines.</summary>
    public static IReadOnlyList<string> DepartmentSteps(System.Text.Json.Nodes.JsonNode application) =>
    [
        .. application["timeline"]!.AsArray()
            .Where(e => e!["kind"]!.GetValue<string>() != "platform-notified")
            .Select(e => $"{e!["kind"]}:{e["status"]}"),
    ];
}
