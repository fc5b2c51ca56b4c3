using IntegrationHub.Departments;
using IntegrationHub.Departments.SharedState;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SharedState;

/// <summary>The call-rate shares of two instances over one real Azurite, on a fake clock.</summary>
public sealed class DepartmentRateSharesTests
{
    private const string Department = "RS";

    [Fact]
    public async Task Acquire_OneInstance_SpacesCallsAtTheWholeRate()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var settings = AdapterStorage.Settings();
        await using var one = Instance(settings, clock);
        var shares = one.GetRequiredService<DepartmentRateShares>();

        await shares.AcquireAsync(Department, CancellationToken.None);
        var second = shares.AcquireAsync(Department, CancellationToken.None).AsTask();

        // 10 calls/s for the hub and one instance: the second call waits for its slot a tenth of a second later.
        Assert.False(second.IsCompleted);
        await second;
    }

    [Fact]
    public async Task Acquire_SecondInstanceBesideAFirst_WaitsForTheJoinThenBothShareTheRate()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var settings = AdapterStorage.Settings();
        await using var first = Instance(settings, clock);
        await using var second = Instance(settings, clock);
        var a = first.GetRequiredService<DepartmentRateShares>();
        var b = second.GetRequiredService<DepartmentRateShares>();
        await a.AcquireAsync(Department, CancellationToken.None);

        // The newcomer found the first listed: no call before every count includes it (1.5 × the 1 s refresh).
        var held = await Assert.ThrowsAsync<DepartmentHeldException>(() => b.AcquireAsync(Department, CancellationToken.None).AsTask());
        Assert.Equal(TimeSpan.FromMilliseconds(1500), held.Remaining);

        clock.Advance(TimeSpan.FromMilliseconds(1500));
        await b.AcquireAsync(Department, CancellationToken.None);
        await a.AcquireAsync(Department, CancellationToken.None);

        // Each now has half of 10 calls/s: its next call a fifth of a second after its last.
        var next = a.AcquireAsync(Department, CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        await next;
    }

    private static ServiceProvider Instance(Dictionary<string, string?> settings, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Departments:Shared:MembershipRefresh"] = "00:00:01",
            ["Departments:Shared:MaxWait"] = "00:00:01",
        }).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddAdapterStorage(configuration)
            .AddSharedDepartmentState(configuration)
            .AddDepartmentRate(Department, 20, _ => 10)
            .BuildServiceProvider(validateScopes: true);
    }
}
