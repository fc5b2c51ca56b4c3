using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>The gateway sandbox's soak faults, seen through the hub's adapter over real HTTP, at 10:00 in Xuzhou.</summary>
public sealed class SocialSecuritySandboxFaultTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new(RsTestData.China(10, 0));
    private SocialSecuritySandbox _gateway = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _gateway = RsTestData.Gateway(_clock);
        _hub = RsTestData.Hub(_gateway.BaseUrl, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task HandOffAsync_Busy_9001Or9002AndNoCase()
    {
        _gateway.Faults = new SandboxFaults(new SandboxFaultRates { Busy = 1 }, 1, _clock);

        var outcome = await Deliver("RS-001");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, _gateway.CaseCount);
        Assert.All(_gateway.ReceivedCalls, c => Assert.Contains(c.RetCode, new[] { "9001", "9002" }));
    }

    [Fact]
    public async Task HandOffAsync_ServerError_502AndNoCase()
    {
        _gateway.Faults = new SandboxFaults(new SandboxFaultRates { ServerError = 1 }, 2, _clock);

        var outcome = await Deliver("RS-004");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, _gateway.CaseCount);
        Assert.All(_gateway.ReceivedCalls, c => Assert.Equal("HTTP 502", c.RetCode));
    }

    [Fact]
    public async Task HandOffAsync_AnswerDropped_OneCaseAndEveryRepeatAnswered2001()
    {
        _gateway.Faults = new SandboxFaults(new SandboxFaultRates { DroppedAnswer = 1 }, 3, _clock);

        var outcome = await Deliver("RS-006");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(1, _gateway.CaseCount);
        Assert.Equal("0000", _gateway.ReceivedCalls[0].RetCode);
        Assert.All(_gateway.ReceivedCalls.Skip(1), c => Assert.Equal("2001", c.RetCode));
    }

    private Task<HandoffOutcome> Deliver(string item) =>
        _hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application(item), CancellationToken.None);
}
