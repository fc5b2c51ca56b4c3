using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>
/// 9003 outside the configured window: the whole gateway is held, with holds that grow, on one fake clock (10:00 in
/// Xuzhou) shared by the hub and the strict gateway sandbox, so the gateway's own record shows when it was called.
/// </summary>
public sealed class SocialSecurityMaintenanceHoldTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(RsTestData.China(10, 0));
    private SocialSecuritySandbox _gateway = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _gateway = RsTestData.Gateway(_clock, new SocialSecuritySandboxSettings { DecisionDelay = TimeSpan.FromDays(1) });
        _hub = RsTestData.Hub(_gateway.BaseUrl, _clock, overrides: new Dictionary<string, string>
        {
            ["UnexplainedMaintenanceHold"] = "00:01:00",
            ["UnexplainedMaintenanceMaxHold"] = "00:05:00",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Deliveries_Unexplained9003Repeatedly_HoldsDoubleUpToTheMaximumWithNoCallWhileHeld()
    {
        _gateway.GivenMaintenance(true);
        var application = RsTestData.Application("RS-001");
        var holds = new List<TimeSpan>();

        for (var round = 0; round < 5; round++)
        {
            var calledBefore = _gateway.ReceivedCalls.Count;
            var answered = await Adapter().HandOffAsync(application, CancellationToken.None);
            Assert.Equal((HandoffOutcomeKind.Held, "9003"), (answered.Kind, answered.DepartmentCode));
            Assert.Equal(calledBefore + 1, _gateway.ReceivedCalls.Count);
            holds.Add(answered.RetryAfter!.Value);

            // Another application, a second before the hold ends: held without calling.
            _clock.Advance(answered.RetryAfter.Value - TimeSpan.FromSeconds(1));
            var other = await Adapter().HandOffAsync(RsTestData.Application("RS-008"), CancellationToken.None);
            Assert.Equal((HandoffOutcomeKind.Held, TimeSpan.FromSeconds(1)), (other.Kind, other.RetryAfter));
            Assert.Equal(calledBefore + 1, _gateway.ReceivedCalls.Count);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([1, 2, 4, 5, 5], holds.Select(h => h.TotalMinutes));
        Assert.All(_gateway.ReceivedCalls, c => Assert.Equal("9003", c.RetCode));
    }

    [Fact]
    public async Task Deliveries_AnswerOtherThan9003_NextUnexplainedHoldStartsSmallAgain()
    {
        _gateway.GivenMaintenance(true);
        var first = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);
        _clock.Advance(first.RetryAfter!.Value);
        var second = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);
        _clock.Advance(second.RetryAfter!.Value);

        _gateway.GivenMaintenance(false);
        var received = await Adapter().HandOffAsync(RsTestData.Application("RS-006"), CancellationToken.None);
        _gateway.GivenMaintenance(true);
        var again = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)], new[] { first.RetryAfter, second.RetryAfter });
        Assert.Equal(HandoffOutcomeKind.Received, received.Kind);
        Assert.Equal((HandoffOutcomeKind.Held, TimeSpan.FromMinutes(1)), (again.Kind, again.RetryAfter));
    }

    [Fact]
    public async Task StatusQuery_GatewayHeldBy9003_AskedOnlyAfterTheHoldEnds()
    {
        var delivered = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);
        _gateway.GivenMaintenance(true);
        var held = await Adapter().HandOffAsync(RsTestData.Application("RS-008"), CancellationToken.None);
        var query = _hub.GetRequiredService<IDepartmentStatusQuery>();

        var during = await query.QueryAsync(delivered.CaseNumber!, delivered.CaseNumber!, CancellationToken.None);
        _clock.Advance(held.RetryAfter!.Value);
        _gateway.GivenMaintenance(false);
        var after = await query.QueryAsync(delivered.CaseNumber!, delivered.CaseNumber!, CancellationToken.None);

        Assert.Equal((TimeSpan.FromMinutes(1), "held"), (during.RetryAfter, during.DepartmentCode));
        Assert.Empty(during.Calls ?? []);
        Assert.Equal("0000", after.DepartmentCode);
        var asked = Assert.Single(_gateway.QueriesFor(delivered.CaseNumber!));
        Assert.True(asked.Time >= _gateway.ReceivedCalls[1].Time + held.RetryAfter.Value);
    }

    private IDepartmentAdapter Adapter() => _hub.GetRequiredService<IDepartmentAdapter>();
}
