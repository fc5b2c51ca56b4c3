using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>The bureau sandbox's soak faults, seen through the hub's adapter over real HTTP.</summary>
public sealed class HousingSandboxFaultTests : IAsyncLifetime
{
    private HousingSandbox _bureau = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _bureau = FgTestData.Bureau();
        _hub = FgTestData.Hub(_bureau.BaseUrl);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task HandOffAsync_RateLimited_429WithRetryAfterAndNoTicket()
    {
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates
        {
            RateLimited = 1,
            MinRetryAfter = TimeSpan.FromSeconds(2),
            MaxRetryAfter = TimeSpan.FromSeconds(2),
        }, 1, TimeProvider.System);

        var outcome = await Deliver("FG-001");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.RetryAfter);
        Assert.Equal(0, _bureau.TicketCount);
        Assert.All(_bureau.ReceivedApplications, s => Assert.Equal(429, s.HttpStatus));
    }

    [Fact]
    public async Task HandOffAsync_AnswerDropped_OneTicketForTheRequestId()
    {
        _bureau.Faults = new SandboxFaults(new SandboxFaultRates { DroppedAnswer = 1 }, 2, TimeProvider.System);

        var outcome = await Deliver("FG-002");

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(1, _bureau.TicketCount);
        Assert.Single(_bureau.ReceivedApplications.Select(s => s.TicketNo).Distinct());
        Assert.True(_bureau.ReceivedApplications.Count > 1, "the hub should have repeated the request after the dropped answer");
    }

    private async Task<HandoffOutcome> Deliver(string item) =>
        await _hub.GetRequiredService<HousingClient>().HandOffAsync(FgTestData.Application(item), CancellationToken.None);
}
