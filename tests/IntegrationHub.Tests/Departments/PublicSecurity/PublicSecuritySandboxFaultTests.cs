using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>The bureau sandbox's soak faults, seen through the hub's adapter over real HTTP.</summary>
public sealed class PublicSecuritySandboxFaultTests : IAsyncLifetime
{
    private PublicSecuritySandbox _bureau = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _bureau = GaTestData.Bureau();
        _hub = new ServiceCollection().AddLogging().AddPublicSecurity(GaTestData.Configuration(_bureau.BaseUrl)).BuildServiceProvider(validateScopes: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task HandOffAsync_AnswerDropped_OneCaseAndEveryRepeatAnswered2004()
    {
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { DroppedAnswer = 1 }, 1, TimeProvider.System);

        var outcome = await Deliver("GA-001");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(1, _bureau.CaseCount);
        Assert.Equal("0000", _bureau.ReceivedApplications[0].Code);
        Assert.All(_bureau.ReceivedApplications.Skip(1), a => Assert.Equal("2004", a.Code));
        Assert.Equal(_bureau.ReceivedApplications.Count, _bureau.Faults.Counts["answer lost: connection dropped"]);
    }

    [Fact]
    public async Task HandOffAsync_InstantAnswerLostThen2004_AsksAgainUnderAFreshLshAndCompletes()
    {
        _bureau.GivenIdCardProgress("03", "鼓楼分局户政大厅");
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { DroppedAnswer = 1 }, 4, TimeProvider.System);
        var application = GaTestData.Application("GA-005");
        var lost = await _hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(application, CancellationToken.None);
        _bureau.Faults = null;

        var outcome = await _hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, lost.Kind);
        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal("03", outcome.Result!["jd"]!.GetValue<string>());
        var received = _bureau.ReceivedApplications;
        Assert.Equal("0001", received[0].Code);
        Assert.All(received.Skip(1).SkipLast(1), a => Assert.Equal("2004", a.Code));
        Assert.Equal("0001", received[^1].Code);
        Assert.StartsWith(application.HandoffKey[..33] + "-Q", received[^1].Lsh, StringComparison.Ordinal);
        Assert.Equal(2, outcome.Calls!.Count);
    }

    [Fact]
    public async Task HandOffAsync_Busy_9001AndNoCase()
    {
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { Busy = 1 }, 2, TimeProvider.System);

        var outcome = await Deliver("GA-002");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(0, _bureau.CaseCount);
        Assert.All(_bureau.ReceivedApplications, a => Assert.Equal("9001", a.Code));
    }

    [Fact]
    public async Task HandOffAsync_InsideMaintenanceWindow_503WithRetryAfterToItsEndAndNoCase()
    {
        var now = TimeProvider.System.GetUtcNow();
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { MaintenanceFrom = now, MaintenanceUntil = now.AddMinutes(10) }, 3, TimeProvider.System);

        var outcome = await Deliver("GA-003");

        Assert.Equal(HandoffOutcomeKind.Held, outcome.Kind);
        Assert.InRange(outcome.RetryAfter!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(0, _bureau.CaseCount);
        Assert.All(_bureau.ReceivedApplications, a => Assert.Equal(503, a.HttpStatus));
    }

    [Fact]
    public async Task HandOffAsync_503WithoutRetryAfter_TransientNotHeldAndNoCase()
    {
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { Unavailable = 1, UnavailableAnnouncesRetryAfter = false }, 6, TimeProvider.System);

        var outcome = await Deliver("GA-004");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
        Assert.Equal(0, _bureau.CaseCount);
        Assert.All(_bureau.ReceivedApplications, a => Assert.Equal(503, a.HttpStatus));
        Assert.Equal(_bureau.ReceivedApplications.Count, _bureau.Faults.Counts["503 without Retry-After"]);
    }

    private Task<HandoffOutcome> Deliver(string item) =>
        _hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(GaTestData.Application(item), CancellationToken.None);
}
