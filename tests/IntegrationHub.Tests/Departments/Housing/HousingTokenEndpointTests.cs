using IntegrationHub.Departments;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>
/// Token endpoint answers the strict sandbox never gives (it is always up and the hub never gets it to throttle):
/// a stub answers exactly what each test needs.
/// </summary>
public sealed class HousingTokenEndpointTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly ServiceProvider _hub;

    public HousingTokenEndpointTests()
    {
        _server.Given(Request.Create().WithPath("/api/v2/applications").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ticket_no":"FG-20261128-000001","status":"received"}"""));
        _hub = FgTestData.Hub(new Uri(_server.Urls[0]));
    }

    public void Dispose()
    {
        _hub.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task HandOffAsync_TokenEndpointDown_TransientWithoutCallingTheApi()
    {
        GivenToken(503, "<html>Service Unavailable</html>");

        var outcome = await HandOffAsync();

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, ApiCalls());
    }

    [Fact]
    public async Task HandOffAsync_TokenEndpointThrottlesWithoutRetryAfter_TransientForAMinute()
    {
        GivenToken(429, """{"error":"slow_down"}""");

        var outcome = await HandOffAsync();

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("token_throttled", outcome.DepartmentCode);
        Assert.Equal(TimeSpan.FromMinutes(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task HandOffAsync_TokenEndpointThrottlesWithRetryAfter_TransientHonouringIt()
    {
        GivenToken(429, """{"error":"slow_down"}""", retryAfter: "40");

        var outcome = await HandOffAsync();

        Assert.Equal(TimeSpan.FromSeconds(40), outcome.RetryAfter);
    }

    [Fact]
    public async Task HandOffAsync_TokenRequestMalformed_ConfigurationFault()
    {
        GivenToken(400, """{"error":"invalid_request"}""");

        var outcome = await HandOffAsync();

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("invalid_request", outcome.DepartmentCode);
    }

    [Theory]
    [InlineData("""{"access_token":"abc","token_type":"mac","expires_in":7200}""")]
    [InlineData("""{"token_type":"Bearer","expires_in":7200}""")]
    [InlineData("""{"access_token":"abc","token_type":"Bearer","expires_in":-5}""")]
    [InlineData("<html>login</html>")]
    public async Task HandOffAsync_TokenAnswerNotABearerToken_TransientWithoutCallingTheApi(string body)
    {
        GivenToken(200, body);

        var outcome = await HandOffAsync();

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, ApiCalls());
    }

    [Theory]
    [InlineData("""{"access_token":"abc","token_type":"bearer"}""")]
    [InlineData("""{"access_token":"abc","token_type":"Bearer","expires_in":"7200"}""")]
    [InlineData("""{"access_token":"abc","token_type":"Bearer","expires_in":99999999999}""")]
    public async Task HandOffAsync_TokenWithoutUsualExpiry_UsedAndReused(string body)
    {
        GivenToken(200, body);

        var first = await HandOffAsync();
        var second = await HandOffAsync();

        Assert.Equal(HandoffOutcomeKind.Received, first.Kind);
        Assert.Equal(HandoffOutcomeKind.Received, second.Kind);
        Assert.Equal(1, _server.LogEntries.Count(e => e.RequestMessage.Path == "/oauth/token"));
        Assert.All(_server.LogEntries.Where(e => e.RequestMessage.Path == "/api/v2/applications"),
            e => Assert.Equal("Bearer abc", e.RequestMessage.Headers!["Authorization"].ToString()));
    }

    private void GivenToken(int status, string body, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        _server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).RespondWith(response);
    }

    private int ApiCalls() => _server.LogEntries.Count(e => e.RequestMessage.Path == "/api/v2/applications");

    private Task<HandoffOutcome> HandOffAsync() =>
        _hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(FgTestData.Application("FG-001"), CancellationToken.None);
}
