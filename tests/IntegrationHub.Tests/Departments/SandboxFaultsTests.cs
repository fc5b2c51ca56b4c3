using System.Net;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments;

/// <summary>The soak's fault injection itself: what it draws, when it counts a call as too early, how it plays callbacks.</summary>
public sealed class SandboxFaultsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Draw_NoRates_NeverAFault()
    {
        var faults = new SandboxFaults(new SandboxFaultRates(), seed: 1, new FakeTimeProvider(Start));

        var drawn = Enumerable.Range(0, 1000).Select(_ => faults.Draw(Enum.GetValues<SandboxFaultKind>())).ToList();

        Assert.All(drawn, fault => Assert.Equal(SandboxFaultKind.None, fault.Kind));
        Assert.Empty(faults.Counts);
    }

    [Fact]
    public void Draw_OnlySupportedKinds_DrawsNoOther()
    {
        var faults = new SandboxFaults(new SandboxFaultRates { Busy = 0.5, RateLimited = 0.5 }, seed: 2, new FakeTimeProvider(Start));

        var drawn = Enumerable.Range(0, 200).Select(_ => faults.Draw(SandboxFaultKind.Busy, SandboxFaultKind.ServerError)).ToList();

        Assert.Contains(drawn, fault => fault.Kind == SandboxFaultKind.Busy);
        Assert.DoesNotContain(drawn, fault => fault.Kind is not (SandboxFaultKind.Busy or SandboxFaultKind.None));
    }

    [Fact]
    public void Draw_InsideMaintenanceWindow_UnavailableWithRetryAfterToItsEnd()
    {
        var clock = new FakeTimeProvider(Start);
        var faults = new SandboxFaults(new SandboxFaultRates { MaintenanceFrom = Start.AddSeconds(10), MaintenanceUntil = Start.AddSeconds(40) }, 3, clock);

        var before = faults.Draw(SandboxFaultKind.Unavailable);
        clock.Advance(TimeSpan.FromSeconds(15));
        var inside = faults.Draw(SandboxFaultKind.Unavailable);
        clock.Advance(TimeSpan.FromSeconds(25));
        var after = faults.Draw(SandboxFaultKind.Unavailable);

        Assert.Equal(SandboxFaultKind.None, before.Kind);
        Assert.Equal(new SandboxFault(SandboxFaultKind.Unavailable, TimeSpan.FromSeconds(25)), inside);
        Assert.Equal(SandboxFaultKind.None, after.Kind);
    }

    [Fact]
    public void Draw_CallBeforeRetryAfterHasPassed_Counted()
    {
        var clock = new FakeTimeProvider(Start);
        var faults = new SandboxFaults(new SandboxFaultRates
        {
            RateLimited = 1,
            MinRetryAfter = TimeSpan.FromSeconds(5),
            MaxRetryAfter = TimeSpan.FromSeconds(5),
        }, 4, clock);

        faults.Draw(SandboxFaultKind.RateLimited);
        clock.Advance(TimeSpan.FromSeconds(2));
        faults.Draw(SandboxFaultKind.RateLimited);
        clock.Advance(TimeSpan.FromSeconds(6));
        faults.Draw(SandboxFaultKind.RateLimited);

        Assert.Equal(1, faults.Counts["calls before Retry-After had passed"]);
        Assert.Equal(3, faults.Counts["429 Retry-After"]);
    }

    [Fact]
    public void Draw_UnavailableWithoutRetryAfter_NoWaitAnnouncedNorPromised()
    {
        var faults = new SandboxFaults(new SandboxFaultRates { Unavailable = 1, UnavailableAnnouncesRetryAfter = false }, 5, new FakeTimeProvider(Start));

        var drawn = Enumerable.Range(0, 3).Select(_ => faults.Draw(SandboxFaultKind.Unavailable)).ToList();

        Assert.All(drawn, fault => Assert.Equal(new SandboxFault(SandboxFaultKind.Unavailable, TimeSpan.Zero), fault));
        Assert.Equal(3, faults.Counts["503 without Retry-After"]);
        Assert.False(faults.Counts.ContainsKey("calls before Retry-After had passed"));
    }

    [Fact]
    public async Task RunCallbacks_Reordered_HeldBackStepFollowsTheNextWithItsOwnTime()
    {
        var delivered = await DeliveredAsync(new SandboxFaultRates { ReorderedCallback = 1 });

        Assert.Equal([(1, Start.AddSeconds(1)), (0, Start)], delivered);
    }

    [Fact]
    public async Task RunCallbacks_Duplicated_EveryStepTwiceWithTheSameTime()
    {
        var delivered = await DeliveredAsync(new SandboxFaultRates { DuplicateCallback = 1 });

        Assert.Equal([(0, Start), (0, Start), (1, Start.AddSeconds(1)), (1, Start.AddSeconds(1))], delivered);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "forged callback: refused with 401")]
    [InlineData(HttpStatusCode.OK, "forged callback: answered HTTP 200 (should be 401)")]
    public async Task RunCallbacks_Forged_CountsTheHubsAnswer(HttpStatusCode answer, string counted)
    {
        var faults = new SandboxFaults(new SandboxFaultRates { ForgedCallback = 1 }, 7, new FakeTimeProvider(Start));
        var forged = 0;

        await faults.RunCallbacksAsync(3, TimeSpan.Zero, _ => { }, (_, _) => Task.CompletedTask,
            () =>
            {
                forged++;
                return Task.FromResult<HttpStatusCode?>(answer);
            }, CancellationToken.None);

        Assert.Equal(1, forged);
        Assert.Equal(1, faults.Counts[counted]);
    }

    // Two steps, each happening a second after the previous one: what was delivered, in order, with the time it carried.
    private static async Task<List<(int Step, DateTimeOffset At)>> DeliveredAsync(SandboxFaultRates rates)
    {
        var clock = new FakeTimeProvider(Start);
        var faults = new SandboxFaults(rates, 5, clock);
        var delivered = new List<(int Step, DateTimeOffset At)>();
        await faults.RunCallbacksAsync(2, TimeSpan.Zero, _ => clock.Advance(TimeSpan.FromSeconds(1)),
            (step, at) =>
            {
                delivered.Add((step, at));
                return Task.CompletedTask;
            },
            () => Task.FromResult<HttpStatusCode?>(HttpStatusCode.Unauthorized), CancellationToken.None);
        return delivered;
    }
}
