using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    /// <summary>The items one application has already been taken through, untimed (see <c>WarmUpAsync</c>).</summary>
    internal HashSet<string> WarmedUp { get; } = [];

    /// <summary>The hub's warnings, printed with a measurement: a held or retried hand-off says why it cost more.</summary>
    internal CapturedLogs Logs { get; } = new();

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Handoff:StrandedAfter"] = "00:02:00";
        ScheduleSweeps(settings, "*/30 * * * * *");

        // The follow-ups (人社's polls, 房管's reconciliation and every follow-up row's end) every five seconds: sooner
        // than production's minute so a test ends in seconds, and still seconds apart, as in production, so the cases that
        // fall due between two runs are asked about in one run.
        settings["Handoff:FollowUpSchedule"] = "*/5 * * * * *";

        // 房管 reconciles at production's distance (2 h after the last news): the test sends the webhooks, and under the
        // other fixtures' 2 s a slow run would count reconciliation queries the test never meant to make.
        settings["Departments:Housing:ReconcileAfter"] = "02:00:00";

        // The call-rate roster re-counted at production's interval (10 s), not the other fixtures' half second: a re-count
        // is a read and a write per interval while an instance calls 房管 or 人社, so at 0.5 s a slow run on this shared
        // machine would count its own slowness (a hand-off of 20 paced at 16/s spans seconds).
        settings["Departments:Shared:MembershipRefresh"] = "00:00:10";
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
    public Task AsynchronousApplication_SubmissionToApprovedAndNotified_StaysWithinBudget(int count) =>
        MeasureAsync("GA-001", count, async ids =>
        {
            // 公安: the receipt, then three notifications (received, in review, approved).
            var cases = await Task.WhenAll(ids.Select(DeliveredCaseAsync));
            await Task.WhenAll(cases.Select(async slbh =>
            {
                foreach (var (blzt, minutes) in new[] { ("01", 0), ("04", 10), ("05", 20) })
                {
                    var reply = await hub.PublicSecurity.SendNotificationAsync(slbh, blzt, blzt == "05" ? "准予办理" : "办理中", Decided.AddMinutes(minutes));
                    Assert.True(reply.Acknowledged, reply.Body);
                }
            }));
        });

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public Task HousingApplication_SubmissionToApprovedAndNotified_StaysWithinBudget(int count) =>
        MeasureAsync("FG-001", count, async ids =>
        {
            // 房管: the 202 with its ticket, then three webhooks: accepted, the same accepted again (delivery is at least
            // once), approved.
            var tickets = await Task.WhenAll(ids.Select(DeliveredCaseAsync));
            await Task.WhenAll(tickets.Select(async ticket =>
            {
                var accepted = Guid.NewGuid().ToString();
                Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "accepted", null, Decided, accepted));
                Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "accepted", null, Decided, accepted));
                Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "approved", "符合条件", Decided.AddHours(1)));
            }));
        });

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public Task PolledApplication_SubmissionToApprovedAndNotified_StaysWithinBudget(int count) =>
        MeasureAsync("RS-001", count, async ids =>
        {
            // 人社: the 0000 with its case number, then RS9001 polls (the sandbox decides a second after intake, and
            // answers 0 in progress before) until one answers 1 approved.
            await Task.WhenAll(ids.Select(DeliveredCaseAsync));
        });

    // Counts every call from the first submission until the platform has Approved for every application and the hub has
    // gone quiet; drive takes the applications from their submission through the department's statuses.
    private async Task MeasureAsync(string item, int count, Func<string[], Task> drive)
    {
        var calls = hub.Services.GetRequiredService<StorageCalls>();
        await WarmUpAsync(item, drive);
        await QuietAsync(calls);
        var before = calls.Snapshot();
        var logged = hub.Logs.Lines.Count;

        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SubmitAsync(item)));
        var intake = Between(before, calls.Snapshot(), "intake", Tables);
        await RunAsync(item, ids, drive);
        await QuietAsync(calls);
        var after = calls.Snapshot();

        var working = Total(before, after, o => o != StorageCalls.Idle, Tables);
        var blobs = Total(before, after, o => o != StorageCalls.Idle, s => !Tables(s));
        var idle = Total(before, after, o => o == StorageCalls.Idle, _ => true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{item} x{count}: {working / count:F2} calls per application (intake {intake / count:F2}), materials {blobs / count:F2}; idle {idle:F0} calls meanwhile"));
        foreach (var (operation, services) in Operations(before, after))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {operation,-16} {string.Join(", ", services.Select(s => $"{s.Key} {s.Value / count:F2}"))}"));
        }

        foreach (var line in hub.Logs.Lines.Skip(logged).Take(40))
        {
            output.WriteLine($"  log: {line}");
        }

        // Intake is three calls even alone: the pending hand-off (the idempotency claim), the application's transaction,
        // the queue message.
        // Compared at two decimals, as printed: a call shared with other operations is counted to each its fraction, and a
        // sliver of one (a table created on first use, shared with a hundred others) must not fail a budget it does not break.
        Assert.True(Math.Round(intake / count, 2) <= 3, $"intake took {intake / count:F2} calls per application");
        Assert.True(Math.Round(working / count, 2) <= WholeBudget(item, count), $"an application took {working / count:F2} calls (budget {WholeBudget(item, count)})");

        // Issue 11's materials are counted apart, as they were added after the budget: a blob read at the door and one at
        // the upload to the department, per material.
        Assert.True(blobs / count <= 2 * Materials(item), $"materials took {blobs / count:F2} blob calls per application");
    }

    private static int Materials(string item) => item == "FG-001" ? 2 : 0;

    // Table and queue calls; a material's are blob calls.
    private static bool Tables(string service) => !service.StartsWith("blobs:", StringComparison.Ordinal);

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
    // (step intents, counters and sets, follow-ups, the feed, lookups) among them. An application alone shares little:
    // each of its status steps costs intent + transaction + feed + work effects (4 calls), except that effects written
    // behind a step ride the next write to their partition when one comes within the patience (250 ms). Measured alone:
    // 公安 25, 房管 22 (its poller ends the follow-up row, and a roster re-count when the last is older than
    // MembershipRefresh, 10 s here, costs a read and a write), 人社 21; 26 is the budget asserted for one
    // (docs/storage.md counts them call by call).
    private static int WholeBudget(string item, int count) => count > 1 ? 15 : 26;

    // An application is done when the platform has its final status and its follow-up row (a polled case's, a reconciled
    // case's) is gone: ending that row is part of its cost, even when production ends it hours later.
    private async Task RunAsync(string item, string[] ids, Func<string[], Task> drive)
    {
        await drive(ids);
        await Task.WhenAll(ids.Select(id => NotifiedAsync(id, "Approved")));
        await Task.WhenAll(ids.Select(id => FollowUpEndedAsync(id)));
    }

    // What an instance pays once, not per application, stays out of the count: the first call to a department creates the
    // department-state table, fetches its token and joins the call-rate roster, and the first application of a department
    // reads its counter rows' ETags. So one application of the item goes through first, uncounted.
    private async Task WarmUpAsync(string item, Func<string[], Task> drive)
    {
        if (hub.WarmedUp.Add(item))
        {
            await RunAsync(item, [await SubmitAsync(item)], drive);
        }
    }

    // Read past the hub's clients (this read must not count): the follow-up row of the case, until it is gone.
    private async Task FollowUpEndedAsync(string id)
    {
        var table = new TableServiceClient(hub.Azurite.ConnectionString).GetTableClient("hubwork");
        await Eventually.HoldsAsync(async () => !(await table.GetEntityIfExistsAsync<TableEntity>(Keys.WorkPartition, Keys.FollowUp(id))).HasValue,
            $"the follow-up row of {id} to end", TimeSpan.FromSeconds(60));
    }

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

    // 公安's sample needs no material in its own home; 房管's FG-001 always needs two (income proof, household register),
    // uploaded once by the fixture and named by every application; 人社's RS-001 needs none.
    private async Task<string> SubmitAsync(string item)
    {
        using var response = await hub.SubmitAsync(item == "GA-001" ? WithoutMaterials() : IntakeTests.Sample(item));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    // Watches what the platform receives, not the hub's storage: reading the application would be a call of its own.
    private async Task<string> DeliveredCaseAsync(string id) =>
        (await NotifiedAsync(id, "Delivered"))["caseNumber"]!.GetValue<string>();

    private async Task<JsonNode> NotifiedAsync(string id, string status) => (await Eventually.ReturnsAsync(
        () => Task.FromResult(hub.Platform.EventsFor(id).FirstOrDefault(e => e["status"]!.GetValue<string>() == status)),
        found => found is not null, $"the platform to receive {status} for {id}", TimeSpan.FromSeconds(60)))!;

    // A measuring window closes when the hub has gone quiet: no call but idle ones for two seconds. Not a wait for an
    // outcome (every outcome the test needs was awaited before, by its own signal); it keeps a trailing write of the work
    // measured (a cursor, a counter flushed by group commit) inside the window instead of in the next test's.
    private static Task QuietAsync(StorageCalls calls)
    {
        var last = calls.Working();
        var still = Stopwatch.StartNew();
        return Eventually.HoldsAsync(() =>
        {
            var now = calls.Working();
            if (now != last)
            {
                last = now;
                still.Restart();
            }

            return still.Elapsed >= TimeSpan.FromSeconds(2);
        }, "two seconds without a working storage call", TimeSpan.FromSeconds(120));
    }

    private static double Between(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after,
        string operation, Func<string, bool>? service = null) => Total(before, after, o => o == operation, service ?? (_ => true));

    private static double Total(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after,
        Func<string, bool> which, Func<string, bool> service) =>
        Operations(before, after).Where(o => which(o.Operation)).Sum(o => o.Services.Where(s => service(s.Key)).Sum(s => s.Value));

    private static IEnumerable<(string Operation, IReadOnlyDictionary<string, double> Services)> Operations(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> before,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> after) =>
        after.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, (IReadOnlyDictionary<string, double>)o.Value.ToDictionary(
            s => s.Key,
            s => s.Value - (before.TryGetValue(o.Key, out var b) && b.TryGetValue(s.Key, out var v) ? v : 0))))
            .Where(o => o.Item2.Values.Any(v => v > 0));
}
