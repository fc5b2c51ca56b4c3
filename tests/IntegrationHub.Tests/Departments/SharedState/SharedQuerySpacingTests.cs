using System.Globalization;
using IntegrationHub.Departments.SharedState;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SharedState;

/// <summary>人社's per-case query spacing held by two instances over one real Azurite, on a fake clock, with the calls counted.</summary>
public sealed class SharedQuerySpacingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TryAcquire_FirstQuestionAboutACase_OneCall()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T02:00:00Z", CultureInfo.InvariantCulture));
        await using var one = Instance(AdapterStorage.Settings(), clock);
        var spacing = one.GetRequiredService<SharedQuerySpacing>();
        await spacing.TryAcquireAsync("RS-WARM", Interval, CancellationToken.None); // creates the table

        var (result, calls) = await CountedAsync(one, () => spacing.TryAcquireAsync("RS320300001", Interval, CancellationToken.None));

        Assert.True(result.Acquired);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task TryAcquire_AnotherInstanceAskedWithinTheInterval_RefusedUntilItPassesThenClaimed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T02:00:00Z", CultureInfo.InvariantCulture));
        var settings = AdapterStorage.Settings();
        await using var first = Instance(settings, clock);
        await using var second = Instance(settings, clock);
        var a = first.GetRequiredService<SharedQuerySpacing>();
        var b = second.GetRequiredService<SharedQuerySpacing>();

        Assert.True((await a.TryAcquireAsync("RS320300002", Interval, CancellationToken.None)).Acquired);
        clock.Advance(TimeSpan.FromMinutes(1));

        // The second instance knows nothing of the case: its Add finds the row, it reads the first one's time and waits.
        var (refused, wait) = await b.TryAcquireAsync("RS320300002", Interval, CancellationToken.None);
        Assert.False(refused);
        Assert.Equal(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1), wait); // and the clock skew allowed (1 s)

        clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        Assert.True((await b.TryAcquireAsync("RS320300002", Interval, CancellationToken.None)).Acquired);

        // The first one still holds the ETag it wrote: its conditional write fails, it reads the second one's time.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False((await a.TryAcquireAsync("RS320300002", Interval, CancellationToken.None)).Acquired);
    }

    private static async Task<((bool Acquired, TimeSpan Wait) Result, double Calls)> CountedAsync(IServiceProvider services,
        Func<Task<(bool Acquired, TimeSpan Wait)>> act)
    {
        var calls = services.GetRequiredService<StorageCalls>();
        var before = Sum(calls, "spacing");
        (bool, TimeSpan) result;
        using (StorageCalls.Begin("spacing"))
        {
            result = await act();
        }

        return (result, Sum(calls, "spacing") - before);
    }

    private static double Sum(StorageCalls calls, string operation) =>
        calls.Snapshot().TryGetValue(operation, out var services) ? services.Values.Sum() : 0;

    private static ServiceProvider Instance(Dictionary<string, string?> settings, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddAdapterStorage(configuration)
            .AddSharedDepartmentState(configuration)
            .BuildServiceProvider(validateScopes: true);
    }
}
