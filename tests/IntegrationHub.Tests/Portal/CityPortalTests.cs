using System.Net.Http.Json;
using IntegrationHub.Contracts;
using IntegrationHub.Local;
using IntegrationHub.Portal;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Portal;

/// <summary>A hub of its own with a seeded city in it, so nothing else's applications are counted.</summary>
[CollectionDefinition(Name)]
public sealed class CityCollection : ICollectionFixture<CityHubFixture>
{
    public const string Name = "city";
}

/// <summary>The test hub with <see cref="CityPortalTests.Count"/> applications seeded by the same code as <c>./hub seed N</c>.</summary>
public sealed class CityHubFixture : HubFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Seeded = await CitySeed.SeedAsync(Services, CityPortalTests.Count, 16, null, CancellationToken.None);
    }

    public long Seeded { get; private set; }
}

/// <summary>
/// The portal over a seeded city answers from counters and index rows: the dashboard, the unacknowledged list and each
/// search agree with what a scan of every application (done here by the test, never by the hub) finds, and the hub's
/// own storage calls show no scan: the applications table is only read by point, one read per application shown.
/// </summary>
[Collection(CityCollection.Name)]
public sealed class CityPortalTests(CityHubFixture hub)
{
    public const int Count = 3_000;

    [Fact]
    public async Task Dashboard_SeededCity_CountsAgreeWithAScanAndReadNoApplication()
    {
        Assert.Equal(Count, hub.Seeded);
        var all = await ScanAsync();
        using var portal = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);

        var (dashboard, calls) = await CountedAsync(() => portal.GetFromJsonAsync<Dashboard>("/api/v1/portal/dashboard"));

        foreach (var department in dashboard!.Departments)
        {
            foreach (var state in Enum.GetNames<HandoffState>())
            {
                Assert.Equal(all.Count(a => a.Department == department.Department && a.Handoff.ToString() == state), department.Counts[state]);
            }
        }

        var now = TimeProvider.System.GetUtcNow();
        foreach (var hour in dashboard.Hours)
        {
            Assert.Equal(all.Count(a => a.SubmittedAt >= hour.Hour && a.SubmittedAt < hour.Hour.AddHours(1)), hour.Submitted);
        }

        Assert.Equal(all.Count(a => Unacknowledged(a, now)), dashboard.Unacknowledged);
        Assert.True(all.Any(a => Unacknowledged(a, now)), "the seed has no unacknowledged applications to count");
        Assert.Equal(0, calls.GetValueOrDefault("tables:hubapplications"));
        Assert.True(calls.Values.Sum() <= 3, $"the dashboard took {calls.Values.Sum()} calls: {string.Join(", ", calls)}");
    }

    [Fact]
    public async Task Unacknowledged_SeededCity_ListsTheOldestFromTheAwaitingRowsWithOnePointReadEach()
    {
        var now = TimeProvider.System.GetUtcNow();
        var expected = (await ScanAsync()).Where(a => Unacknowledged(a, now)).OrderBy(a => a.SubmittedAt).ToList();
        using var portal = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);

        var (list, calls) = await CountedAsync(() => portal.GetFromJsonAsync<HandoffList>("/api/v1/portal/unacknowledged"));

        Assert.Equal(expected.Count, list!.Total);
        Assert.Equal(expected.Take(200).Select(a => a.PartitionKey), list.Items.Select(i => i.ApplicationId));
        Assert.Equal(list.Items.Count, calls.GetValueOrDefault("tables:hubapplications"));
    }

    [Theory]
    [InlineData("applicationId")]
    [InlineData("caseNumber")]
    [InlineData("idNumber")]
    [InlineData("name")]
    public async Task Search_BySeededKey_FindsEveryApplicationOfItByIndexRowsAndPointReads(string key)
    {
        var all = await ScanAsync();
        using var portal = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);
        foreach (var index in new[] { 7, 1234, Count - 1 })
        {
            var sample = CitySeed.Sample(index);
            var value = key switch
            {
                "applicationId" => sample.ApplicationId,
                "caseNumber" => sample.CaseNumber!,
                "idNumber" => sample.IdNumber,
                _ => sample.Name,
            };
            var target = all.Single(a => a.PartitionKey == sample.ApplicationId);
            var expected = key switch
            {
                "idNumber" => all.Where(a => a.IdNumberHash == target.IdNumberHash),
                "name" => all.Where(a => a.NameHash == target.NameHash),
                _ => [target],
            };

            var (response, calls) = await CountedAsync(async () =>
            {
                using var answer = await portal.PostAsJsonAsync("/api/v1/portal/handoffs/search", new Dictionary<string, string> { [key] = value });
                answer.EnsureSuccessStatusCode();
                return await answer.Content.ReadFromJsonAsync<HandoffList>();
            });

            Assert.Equal(expected.Select(a => a.PartitionKey).Order(), response!.Items.Select(i => i.ApplicationId).Order());
            Assert.Equal(response.Items.Count, calls.GetValueOrDefault("tables:hubapplications"));
        }
    }

    private static bool Unacknowledged(ApplicationEntity a, DateTimeOffset now) =>
        a.Status is ApplicationStatus.Submitted or ApplicationStatus.Delivered
        && a.Handoff != HandoffState.Resolved && now - a.SubmittedAt > TimeSpan.FromHours(24);

    // The test's own scan of every application (what the hub must never do).
    private async Task<List<ApplicationEntity>> ScanAsync()
    {
        var table = await hub.Services.GetRequiredService<HubTables>().Applications();
        var all = new List<ApplicationEntity>();
        await foreach (var row in table.QueryAsync<ApplicationEntity>(a => a.RowKey.CompareTo("seed") >= 0 && a.RowKey.CompareTo("seee") < 0 && a.Platform == LocalHub.LocalPlatform))
        {
            if (row.RowKey == row.PartitionKey)
            {
                all.Add(row);
            }
        }

        Assert.Equal(Count, all.Count);
        return all;
    }

    // The hub's storage calls while one portal request runs, by service:target (nothing else runs in this hub meanwhile
    // but its periodic jobs, whose calls are counted apart as idle or under their own operation).
    private async Task<(T Result, Dictionary<string, double> Calls)> CountedAsync<T>(Func<Task<T>> request)
    {
        var calls = hub.Services.GetRequiredService<StorageCalls>();
        var before = calls.Snapshot();
        var result = await request();
        var after = calls.Snapshot();
        var portal = after.TryGetValue(StorageCalls.Unscoped, out var now) ? now : new Dictionary<string, double>();
        var then = before.TryGetValue(StorageCalls.Unscoped, out var b) ? b : new Dictionary<string, double>();
        return (result, portal.ToDictionary(p => p.Key, p => p.Value - then.GetValueOrDefault(p.Key)).Where(p => p.Value > 0).ToDictionary());
    }
}
