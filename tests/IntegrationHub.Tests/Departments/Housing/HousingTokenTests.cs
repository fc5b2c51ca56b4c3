using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>
/// The token rules of the document, against the strict bureau: one token shared until shortly before it expires,
/// one renewal and one repeat on invalid_token, and never more than 10 token requests a minute. Hub and bureau share a
/// fake clock, so expiry and the rolling minute are exact and nothing sleeps.
/// </summary>
public sealed class HousingTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = FgTestData.Clock();
    private HousingSandbox _bureau = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _bureau = FgTestData.Bureau(_clock);
        _hub = FgTestData.Hub(_bureau.BaseUrl, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task HandOffAsync_FiftyCalls_OneTokenReused()
    {
        for (var i = 0; i < 50; i++)
        {
            var outcome = await HandOffAsync("FG-003");
            Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);

            // 60 ms apart: under the bureau's 20 requests a second, so only the token rules are at work.
            _clock.Advance(TimeSpan.FromMilliseconds(60));
        }

        Assert.Equal(1, _bureau.TokenRequestCount);
        Assert.Equal(50, _bureau.TicketCount);
        Assert.Single(_bureau.ReceivedApplications.Select(a => a.Headers["Authorization"]).Distinct());
    }

    [Fact]
    public async Task HandOffAsync_TenAtOnceWithoutToken_OneTokenRequestShared()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => HandOffAsync("FG-001")));

        Assert.All(outcomes, o => Assert.Equal(HandoffOutcomeKind.Received, o.Kind));
        Assert.Equal(1, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_TokenNearingExpiry_RenewedBeforeItExpires()
    {
        await HandOffAsync("FG-001");

        // expires_in is 7200 s and the margin 5 minutes: still good one second before the margin starts ...
        _clock.Advance(TimeSpan.FromSeconds(7200 - 300 - 1));
        await HandOffAsync("FG-001");
        Assert.Equal(1, _bureau.TokenRequestCount);

        // ... renewed once inside it, while the old token is still valid at the bureau.
        _clock.Advance(TimeSpan.FromSeconds(2));
        var outcome = await HandOffAsync("FG-001");

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(2, _bureau.TokenRequestCount);
        Assert.DoesNotContain(_bureau.ReceivedApplications, a => a.HttpStatus == 401);
        var tokens = _bureau.ReceivedApplications.Select(a => a.Headers["Authorization"]).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
    }

    [Fact]
    public async Task HandOffAsync_ShortLivedToken_RenewedHalfWay()
    {
        await using var bureau = FgTestData.Bureau(_clock, tokenLifetime: TimeSpan.FromMinutes(4));
        await using var hub = FgTestData.Hub(bureau.BaseUrl, _clock);
        var adapter = hub.GetRequiredService<IDepartmentAdapter>();

        await adapter.HandOffAsync(FgTestData.Application("FG-003"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(119));
        await adapter.HandOffAsync(FgTestData.Application("FG-003"), CancellationToken.None);
        Assert.Equal(1, bureau.TokenRequestCount);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await adapter.HandOffAsync(FgTestData.Application("FG-003"), CancellationToken.None);

        Assert.Equal(2, bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_TokenRevoked_OneRenewalAndOneRepeat()
    {
        await HandOffAsync("FG-001");
        _bureau.GivenTokenRevoked();
        var application = FgTestData.Application("FG-002");

        var outcome = await _hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(2, _bureau.TokenRequestCount);
        var attempts = _bureau.ReceivedApplications.Skip(1).ToList();
        Assert.Equal([401, 202], attempts.Select(a => a.HttpStatus));
        Assert.Equal("invalid_token", attempts[0].Error);
        Assert.All(attempts, a => Assert.Equal(application.HandoffKey, a.RequestId));
        Assert.NotEqual(attempts[0].Headers["Authorization"], attempts[1].Headers["Authorization"]);
    }

    [Fact]
    public async Task HandOffAsync_TokenRevokedUnderManyCallers_StillOneRenewal()
    {
        await HandOffAsync("FG-001");
        _bureau.GivenTokenRevoked();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => HandOffAsync("FG-001")));

        Assert.All(outcomes, o => Assert.Equal(HandoffOutcomeKind.Received, o.Kind));
        Assert.Equal(2, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_InvalidTokenAgainAfterRenewal_ConfigurationFaultAfterExactlyOneRepeat()
    {
        _bureau.GivenInvalidToken(times: 5);

        var outcome = await HandOffAsync("FG-001");

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("invalid_token", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
        Assert.Equal([401, 401], _bureau.ReceivedApplications.Select(a => a.HttpStatus));
        Assert.Equal(2, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_RevokedOnEveryCall_NeverMoreThanTenTokenRequestsAMinute()
    {
        var outcomes = new List<HandoffOutcome>();
        for (var i = 0; i < 15; i++)
        {
            _bureau.GivenTokenRevoked();
            outcomes.Add(await HandOffAsync("FG-001"));
            _clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        // The bureau never had to throttle: the hub held back by itself and said when to try again.
        Assert.Equal(10, _bureau.TokenRequestCount);
        Assert.All(_bureau.TokenRequests, r => Assert.Equal(200, r.HttpStatus));
        var heldBack = outcomes.Where(o => o.DepartmentCode == "token_rate_guard").ToList();
        Assert.NotEmpty(heldBack);
        Assert.All(heldBack, o =>
        {
            Assert.Equal(HandoffOutcomeKind.Transient, o.Kind);
            Assert.InRange(o.RetryAfter!.Value, TimeSpan.FromSeconds(56), TimeSpan.FromMinutes(1));
        });

        // A minute after the first request, the window has room again.
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HandoffOutcomeKind.Received, (await HandOffAsync("FG-001")).Kind);
        Assert.All(_bureau.TokenRequests, r => Assert.Equal(200, r.HttpStatus));
        var times = _bureau.TokenRequests.Select(r => r.At).ToList();
        Assert.All(times, t => Assert.True(times.Count(u => u > t - TimeSpan.FromMinutes(1) && u <= t) <= 10));
    }

    [Fact]
    public async Task HandOffAsync_WrongClientSecret_ConfigurationFaultWithoutCallingTheApi()
    {
        await using var hub = FgTestData.Hub(_bureau.BaseUrl, _clock, overrides: new Dictionary<string, string?> { ["ClientSecret"] = "not-the-secret" });

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(FgTestData.Application("FG-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("invalid_client", outcome.DepartmentCode);
        Assert.Empty(_bureau.ReceivedApplications);
        Assert.Equal(1, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task QueryAsync_SharesTheDeliveryToken()
    {
        var delivered = await HandOffAsync("FG-001");

        await _hub.GetRequiredService<IDepartmentStatusQuery>().QueryAsync("req", delivered.CaseNumber!, CancellationToken.None);

        Assert.Equal(1, _bureau.TokenRequestCount);
        Assert.Single(_bureau.ReceivedQueries);
    }

    private Task<HandoffOutcome> HandOffAsync(string code) =>
        _hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(FgTestData.Application(code), CancellationToken.None);
}
