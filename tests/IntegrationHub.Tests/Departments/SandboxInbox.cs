using System.Threading.Channels;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Departments;

/// <summary>
/// The connecting system's callback URL for a sandbox's notifications or webhooks: acknowledges each one with
/// the given acknowledgement and hands it to the test in arrival order, so a test awaits the callback it expects.
/// </summary>
internal sealed class SandboxInbox : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();

    public SandboxInbox(string contentType, byte[] ack)
    {
        _server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            _received.Writer.TryWrite(request.BodyAsBytes ?? []);
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new(contentType) },
                BodyData = new WireMock.Util.BodyData { BodyAsBytes = ack, DetectedBodyType = WireMock.Types.BodyType.Bytes },
            };
        }));
    }

    public Uri Url => new(_server.Urls[0] + "/callbacks");

    /// <summary>The next callback whose body <paramref name="matches"/>, skipping the others (repeats included).</summary>
    public async Task<byte[]> NextAsync(Func<byte[], bool> matches)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var body = await _received.Reader.ReadAsync(patience.Token);
            if (matches(body))
            {
                return body;
            }
        }
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
