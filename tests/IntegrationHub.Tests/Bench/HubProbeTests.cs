using IntegrationHub.Bench;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Bench;

/// <summary>The probe the bench loads into the hub counts each HTTP request where it leaves the process, by destination port.</summary>
public sealed class HubProbeTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"probe-test-{Guid.NewGuid():N}.sock");

    public HubProbeTests()
    {
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(503));
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        File.Delete(_socket);
    }

    [Fact]
    public async Task Listen_RequestsToAServer_EachCountedOnceByItsPort()
    {
        HubProbe.Listen();
        var port = _server.Port;
        var before = HubProbe.RequestsTo(port);
        using var http = new HttpClient();

        for (var i = 0; i < 3; i++)
        {
            using var answer = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/x"), new StringContent("{}"));
        }

        Assert.Equal(before + 3, HubProbe.RequestsTo(port));
    }

    [Fact]
    public async Task Start_WithASocket_AnswersTheReadingThere()
    {
        HubProbe.Start(_socket);
        using var http = new HttpClient();
        using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{_server.Port}/y"));

        var reading = await ProbeReading.ReadAsync(_socket, CancellationToken.None);

        Assert.NotNull(reading);
        Assert.True(reading.Allocated > 0);
        Assert.True(reading.RequestsTo(_server.Port) >= 1);
    }

    [Fact]
    public async Task ReadAsync_NobodyListening_Null()
    {
        Assert.Null(await ProbeReading.ReadAsync(_socket, CancellationToken.None));
    }
}
