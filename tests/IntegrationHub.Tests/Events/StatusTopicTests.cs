using IntegrationHub.Contracts;
using IntegrationHub.Events;

namespace IntegrationHub.Tests.Events;

/// <summary>Service Bus does not run here; what the hub puts on the topic is checked as a message.</summary>
public sealed class StatusTopicTests
{
    [Fact]
    public void ToMessage_StatusChange_UsesEventIdForDuplicateDetection()
    {
        var changed = new ApplicationStatusChanged("app1-4", "cursor", "app1", "GA-001", ApplicationStatus.Approved, ApplicationStatus.InReview,
            "GA3203022026112800001", "准予办理", new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)));

        var message = StatusTopic.ToMessage(changed, "platform-a");

        Assert.Equal("app1-4", message.MessageId);
        Assert.Equal("Approved", message.Subject);
        Assert.Equal("app1", message.CorrelationId);
        Assert.Equal("platform-a", message.ApplicationProperties["platform"]);
        var body = System.Text.Json.Nodes.JsonNode.Parse(message.Body.ToString())!;
        Assert.Equal("Approved", body["status"]!.GetValue<string>());
        Assert.Equal("准予办理", body["reason"]!.GetValue<string>());
    }
}
