using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using IntegrationHub.Portal;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// The lockout's rules on a fake clock against real Azurite, with every storage call counted: 3 wrong passwords within
/// 10 minutes lock an account for 15. Two lockout objects over one table stand for two hub instances.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class SignInLockoutTests(HubFixture hub)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly CountingPolicy _calls = new();

    [Fact]
    public async Task RecordFailure_ThirdWithinWindow_LocksUntilDurationPassesThenCountsAfresh()
    {
        var lockout = await LockoutAsync();

        Assert.Null(await lockout.RecordFailureAsync("a", await lockout.ReadAsync("a", default), default));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(await lockout.RecordFailureAsync("a", await lockout.ReadAsync("a", default), default));
        _clock.Advance(TimeSpan.FromMinutes(4));
        var lockedUntil = await lockout.RecordFailureAsync("a", await lockout.ReadAsync("a", default), default);

        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(15), lockedUntil);
        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(lockedUntil, lockout.LockedUntil(await lockout.ReadAsync("a", default)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(lockout.LockedUntil(await lockout.ReadAsync("a", default)));
        Assert.Null(await lockout.RecordFailureAsync("a", await lockout.ReadAsync("a", default), default));
        Assert.Equal(1, (await lockout.ReadAsync("a", default))!.Failures);
    }

    [Fact]
    public async Task RecordFailure_SpreadBeyondTheWindow_NeverLocks()
    {
        var lockout = await LockoutAsync();

        for (var i = 0; i < 6; i++)
        {
            Assert.Null(await lockout.RecordFailureAsync("b", await lockout.ReadAsync("b", default), default));
            _clock.Advance(TimeSpan.FromMinutes(6));
        }

        Assert.Null(lockout.LockedUntil(await lockout.ReadAsync("b", default)));
    }

    [Fact]
    public async Task Clear_AfterFailures_StartsTheCountAgain()
    {
        var lockout = await LockoutAsync();
        await lockout.RecordFailureAsync("c", null, default);
        await lockout.RecordFailureAsync("c", await lockout.ReadAsync("c", default), default);

        await lockout.ClearAsync((await lockout.ReadAsync("c", default))!, default);

        Assert.Null(await lockout.ReadAsync("c", default));
        Assert.Null(await lockout.RecordFailureAsync("c", null, default));
        Assert.Null(await lockout.RecordFailureAsync("c", await lockout.ReadAsync("c", default), default));
    }

    [Fact]
    public async Task RecordFailure_TwoInstancesFromOneStaleRead_BothCount()
    {
        var prefix = Prefix();
        var first = await LockoutAsync(prefix);
        var second = await LockoutAsync(prefix);
        await first.RecordFailureAsync("d", null, default);
        var stale = await first.ReadAsync("d", default);

        Assert.Null(await first.RecordFailureAsync("d", stale, default));
        var lockedUntil = await second.RecordFailureAsync("d", stale, default);

        Assert.NotNull(lockedUntil);
        Assert.Equal(lockedUntil, second.LockedUntil(await first.ReadAsync("d", default)));
    }

    [Fact]
    public async Task StorageCalls_PerSignInStep_AreAsStated()
    {
        var lockout = await LockoutAsync();

        var read = await Count(() => lockout.ReadAsync("e", default));
        var firstFailure = await Count(() => lockout.RecordFailureAsync("e", null, default));
        var row = await lockout.ReadAsync("e", default);
        var nextFailure = await Count(() => lockout.RecordFailureAsync("e", row, default));
        var current = await lockout.ReadAsync("e", default);
        var clear = await Count(() => lockout.ClearAsync(current!, default));

        Assert.Equal(1, read);
        Assert.Equal(1, firstFailure);
        Assert.Equal(1, nextFailure);
        Assert.Equal(1, clear);
    }

    private async Task<int> Count(Func<Task> step)
    {
        var before = _calls.Count;
        await step();
        return _calls.Count - before;
    }

    private static string Prefix() => $"lock{Guid.NewGuid():N}"[..20];

    private async Task<SignInLockout> LockoutAsync(string? prefix = null)
    {
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(_calls, HttpPipelinePosition.PerCall);
        var service = new TableServiceClient(hub.Azurite.ConnectionString, tableOptions);
        var storage = Options.Create(new StorageOptions { ConnectionString = hub.Azurite.ConnectionString, TablePrefix = prefix ?? Prefix() });
        var portal = Options.Create(new PortalOptions
        {
            SignIn = new SignInRules { LockoutThreshold = 3, LockoutWindow = TimeSpan.FromMinutes(10), LockoutDuration = TimeSpan.FromMinutes(15) },
        });
        var tables = new HubTables(service, storage);
        await tables.Lookup();
        return new SignInLockout(new Lookups(tables, new GroupCommit(tables, storage, NullLogger<GroupCommit>.Instance)), portal, _clock);
    }

    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
