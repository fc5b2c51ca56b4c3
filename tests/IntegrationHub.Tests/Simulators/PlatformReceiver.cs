using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Simulators;

/// <summary>The community platform's webhook endpoint: records every status event the hub pushes.</summary>
public sealed class PlatformReceiver : IDisposable
{
    public const string Secret = "platform-a-webhook-secret-0123456789";

    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public PlatformReceiver()
    {
        _server.Given(Request.Create().WithPath("/hub-events").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
    }

    public Uri WebhookUrl => new($"{_server.Urls[0]}/hub-events");

    /// <summary>Every event received whose signature is valid, in arrival order.</summary>
    public IReadOnlyList<(JsonNode Event, bool SignatureValid, string EventId)> Received() =>
    [
        .. _server.LogEntries
            .Where(e => e.RequestMessage.Path == "/hub-events")
            .Select(e =>
            {
                var body = e.RequestMessage.BodyAsBytes ?? Encoding.UTF8.GetBytes(e.RequestMessage.Body ?? "");
                var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
                var signature = e.RequestMessage.Headers!.TryGetValue("X-Hub-Signature", out var s) ? s.ToString() : "";
                var id = e.RequestMessage.Headers!.TryGetValue("X-Hub-Event-Id", out var i) ? i.ToString() : "";
                return (JsonNode.Parse(body)!, signature == expected, id);
            }),
    ];

    public IEnumerable<JsonNode> EventsFor(string applicationId) =>
        Received().Where(r => r.Event["applicationId"]?.GetValue<string>() == applicationId).Select(r => r.Event);

    public void Dispose() => _server.Stop();
}
