using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
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
    private readonly ConcurrentQueue<int> _answers = new();

    // Recorded while the request is answered, before the response leaves: once the hub has its answer, the delivery is
    // here (WireMock's own log is written after the response, so a test reading it could miss the last one).
    private readonly ConcurrentQueue<(JsonNode Event, bool SignatureValid, string EventId, int Answer)> _received = new();

    public PlatformReceiver()
    {
        _server.Given(Request.Create().WithPath("/hub-events").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            var answer = _answers.TryDequeue(out var scripted) ? scripted : 204;
            var body = request.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.Body ?? "");
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
            var signature = request.Headers!.TryGetValue("X-Hub-Signature", out var s) ? s.ToString() : "";
            var id = request.Headers!.TryGetValue("X-Hub-Event-Id", out var i) ? i.ToString() : "";
            _received.Enqueue((JsonNode.Parse(body)!, signature == expected, id, answer));
            return new ResponseMessage { StatusCode = answer };
        }));
    }

    public Uri WebhookUrl => new($"{_server.Urls[0]}/hub-events");

    /// <summary>Answers the next deliveries with these statuses, one each, in order; then takes every delivery (204) again.</summary>
    public PlatformReceiver Answers(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }

        return this;
    }

    /// <summary>Every delivery attempt, in arrival order, whether its signature is valid, and what the platform answered.</summary>
    public IReadOnlyList<(JsonNode Event, bool SignatureValid, string EventId, int Answer)> Attempts() => [.. _received];

    /// <summary>Every event received whose signature is valid, in arrival order.</summary>
    public IReadOnlyList<(JsonNode Event, bool SignatureValid, string EventId)> Received() =>
        [.. _received.Select(r => (r.Event, r.SignatureValid, r.EventId))];

    public IEnumerable<JsonNode> EventsFor(string applicationId) =>
        Received().Where(r => r.Event["applicationId"]?.GetValue<string>() == applicationId).Select(r => r.Event);

    public void Dispose() => _server.Stop();
}
