using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IntegrationHub.Tests.Storage;

/// <summary>A hub of its own, so the calls counted are this test's alone.</summary>
[CollectionDefinition(Name)]
public sealed class BudgetCollection : ICollectionFixture<BudgetHubFixture>
{
    public const string Name = "budget";
}

/// <summary>
/// The test hub with the stranded-hand-off sweep at its production timing: the other fixtures call a hand-off stranded
/// after 3 s so crash tests run quickly, and on this shared 2-core machine a hand-off of 20 concurrent ones can take that
/// long, so the sweep would re-send healthy ones and the count would measure the test's timing, not the hub.
/// </summary>
public sealed class BudgetHubFixture : HubFixture
{
    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Handoff:StrandedAfter"] = "00:02:00";
        ScheduleSweeps(settings, "*/30 * * * * *");
    }
}

/// <summary>
/// Storage calls per operation, counted by the hub's own pipeline policy (<see cref="StorageCalls"/>) on every table and
/// queue request, through the real local host, Azurite and the strict 公安 sandbox. What is counted: every call the hub
/// makes from the first submission until the platform's webhook has the final status of every application and the hub has
/// gone quiet, queue receives included, divided by the number of applications; apart from that, the calls of work that
/// found nothing to do (an empty queue receive, a periodic job with nothing due), which are a price per interval.
/// </summary>
[Collection(BudgetCollection.Name)]
public sealed class StorageCallBudgetTests(BudgetHubFixture hub, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Decided = new(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public async Task AsynchronousApplication_SubmissionToApprovedAndNotified_StaysWithinBudget(int count)
    {
        var calls = hub.Services.GetRequiredService<StorageCalls>();
        await QuietAsync(calls);
        var before = calls.Snapshot();

        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SubmitAsync()));
        var intake = Between(before, calls.Snapshot(), "intake");
        var cases = await Task.WhenAll(ids.Select(DeliveredCaseAsync));
        await Task.WhenAll(cases.Select(async slbh =>
        {
            foreach (var (blzt, minutes) in new[] { ("01", 0), ("04", 10), ("05", 20) })
            {
                var reply = await hub.PublicSecurity.SendNotificationAsync(slbh, blzt, blzt == "05" ? "准予办理" : "办理中", Decided.AddMinutes(minutes));
                Assert.True(reply.Acknowledged, reply.Body);
            }
        }));
        await Task.WhenAll(ids.Select(id => NotifiedAsync(id, "Approved")));
        await QuietAsync(calls);
        var after = calls.Snapshot();

        var working = Total(before, after, o => o != StorageCalls.Idle);
        var idle = Total(before, after, o => o == StorageCalls.Idle);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GA-001 x{count}: {working / count:F2} calls per application (intake {intake / count:F2}); idle {idle:F0} calls meanwhile"));
        foreach (var (operation, services) in Operations(before, after))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {operation,-16} {string.Join(", ", services.Select(s => $"{s.Key} {s.Value / count:F2}"))}"));
        }

        // Intake is three calls even alone: the pending hand-off (the idempotency claim), the application's transaction,
        // the queue message.
        Assert.True(intake / count <= 3, $"intake took {intake / count:F2} calls per application");
        Assert.True(working / count <= WholeBudget(count), $"an application took {working / count:F2} calls (budget {WholeBudget(count)})");
    }

    [Fact]
    public async Task ApplicationWithAMaterial_CostsOneBlobReadAtTheDoorAndOneAtItsUpload()
    {
        var calls = hub.Services.GetRequiredService<StorageCalls>();
        var body = await hub.WithMaterialsAsync(IntakeTests.Sample("GA-001"));
        await QuietAsync(calls);
        var before = calls.Snapshot();

        using var response = await hub.SubmitAsync(body);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var intake = Between(before, calls.Snapshot(), "intake");
        await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "attempt"));
        await QuietAsync(calls);
        var dispatch = Operations(before, calls.Snapshot()).Single(o => o.Operation == "dispatch").Services;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"intake {intake:F2}; dispatch {string.Join(", ", dispatch.Select(s => $"{s.Key} {s.Value:F2}"))}"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(intake <= 3 + 1, $"intake with one material took {intake:F2} calls");
        Assert.Equal(1, dispatch.Where(s => s.Key.StartsWith("blobs:", StringComparison.Ordinal)).Sum(s => s.Value));
    }

    // The issue's 15 holds when applications arrive together, so group commit shares the writes to the shared partitions
    // (step intents, counters and sets, the feed, lookups) among them. An application alone shares nothing: each of its
    // four status steps costs intent + transaction + feed + counters (4 calls), so alone it takes 26, which is the budget
    // asserted for one (docs/storage.md counts them call by call).
    private static int WholeBudget(int count) => count == 1 ? 26 : 15;

    // Issue 11: an application without materials costs what it did before them, so this one lives in its own home
    // (dwelling type 01 takes no lease contract); MaterialBudgetTests counts what materials add.
    internal static JsonObject WithoutMaterials()
    {
        var body = IntakeTests.Sample("GA-001");
        var form = body["form"]!.AsObject();
        form["dwellingType"] = "01";
        form.Remove("landlordIdNumber");
        form.Remove("landlordName");
        return body;
    }

    private async Task<string> SubmitAsync()
    {
        using var response = await hub.SubmitAsync(WithoutMaterials());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    // Watches what the platform receives, not the hub's storage: reading the application would be a call of its own.
    private async Task<string> DeliveredCaseAsync(string id) =>
        (await NotifiedAsync(id, "Delivered"))["caseNumber"]!.GetValue<string>();

    private async Task<JsonNode> NotifiedAsync(string id, string status)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (hub.Platform.EventsFor(id).FirstOrDefault(e => e["status"]!.GetValue<string>() == status) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"the platform never received {status} for {id}");
    }

    // The hub has gone quiet when no call but idle ones was made for two seconds.
    private static async Task QuietAsync(StorageCalls calls)
    {
        var last = calls.Working();
        var still = Stopwatch.StartNew();
        while (still.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(100);
            var now = calls.Working();
            if (now != last)
            {
                last = now;
                still.Restart();
            }
        }
    }

    private static double Between(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after,
        string operation) => Total(before, after, o => o == operation);

    private static double Total(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after,
        Func<string, bool> which) =>
        Operations(before, after).Where(o => which(o.Operation)).Sum(o => o.Services.Values.Sum());

    private static IEnumerable<(string Operation, IReadOnlyDictionary<string, double> Services)> Operations(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after) =>
        after.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, (IReadOnlyDictionary<string, double>)o.Value.ToDictionary(
            s => s.Key,
            s => s.Value - (before.TryGetValue(o.Key, out var b) && b.TryGetValue(s.Key, out var v) ? v : 0))))
            .Where(o => o.Item2.Values.Any(v => v > 0));
}
