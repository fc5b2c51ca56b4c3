using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Handoff;

/// <summary>A hub of its own: a department held by one test must not delay another collection's deliveries.</summary>
[CollectionDefinition(Name)]
public sealed class DepartmentHoldCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "department-holds";
}

/// <summary>
/// A department's Retry-After through the whole pipeline (queue, dispatcher, client, status queries), judged by the
/// times the strict sandboxes recorded when they were called; and every call they received is on the timeline.
/// </summary>
[Collection(DepartmentHoldCollection.Name)]
public sealed class DepartmentHoldTests(HubFixture hub)
{
    private static readonly TimeSpan Announced = TimeSpan.FromSeconds(3);
    private static readonly DateTimeOffset Decided = new(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task PublicSecurity503WithRetryAfter_NoCallBeforeThatTimeForThisOrAnotherApplication()
    {
        hub.PublicSecurity.GivenUnavailable(1, Announced);
        hub.PublicSecurity.GivenBusy(2);
        var first = await SubmitAsync("GA-004");
        await hub.WaitForAsync(first, a => a["handoff"]!.GetValue<string>() == "Held");
        var maintenance = Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.HttpStatus == 503);
        var second = await SubmitAsync("GA-003");

        await hub.WaitForAsync(first, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(30));
        await hub.WaitForAsync(second, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(30));

        var after = hub.PublicSecurity.ReceivedApplications.Where(r => r.At > maintenance.At).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, r => Assert.True(r.At >= maintenance.At + Announced,
            $"{r.Lsh} called {(r.At - maintenance.At).TotalMilliseconds} ms after a 503 with Retry-After {Announced.TotalSeconds} s"));
        Assert.Equal(["9001", "9001", "0000", "0000"], after.Select(r => r.Code));

        // The 503 is one held attempt with its one call; the second application was held without calling.
        var held = (await TimelineAsync(first)).First(e => e.Kind == "attempt");
        Assert.Equal(("Held", "HTTP 503", 1), (held.Outcome, held.DepartmentCode, held.CallCount));
        Assert.Contains((await TimelineAsync(second)).Where(e => e.Kind == "attempt"), e => e.Outcome == "Held" && e.CallCount is null);

        // Each request the bureau received, the in-client retries included, is on the timeline with its answer.
        foreach (var id in new[] { first, second })
        {
            var received = hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).ToList();
            var onTimeline = await CallsAsync(id);
            Assert.Equal(received.Count, onTimeline.Sum(c => c.Count));
            Assert.Equal(received.Select(r => (r.HttpStatus, r.Code ?? null)), onTimeline.Select(c => (c.HttpStatus ?? 0, c.Code)));
        }
    }

    [Fact]
    public async Task Housing429WithRetryAfter_NoCallOfAnyKindBeforeThatTimeAndEveryCallOnTheTimeline()
    {
        hub.Housing.GivenRateLimited(1, (int)Announced.TotalSeconds);
        // FG-003 and FG-004 take no material, so the bureau's first call is an application (not an upload).
        var first = await SubmitAsync("FG-003");
        await hub.WaitForAsync(first, a => a["handoff"]!.GetValue<string>() == "Retrying");
        var limited = Assert.Single(hub.Housing.ReceivedApplications, r => r.HttpStatus == 429);
        var second = await SubmitAsync("FG-004");

        var tickets = new List<string>();
        foreach (var id in new[] { first, second })
        {
            tickets.Add((await hub.WaitForAsync(id, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(30)))["caseNumber"]!.GetValue<string>());
        }

        var calls = hub.Housing.ReceivedApplications.Select(r => r.At)
            .Concat(hub.Housing.ReceivedQueryCalls.Select(q => q.At))
            .Concat(hub.Housing.TokenRequests.Select(t => t.At))
            .Where(at => at > limited.At)
            .ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, at => Assert.True(at >= limited.At + Announced,
            $"called {(at - limited.At).TotalMilliseconds} ms after a 429 with Retry-After {Announced.TotalSeconds} s"));

        // Decided by webhook; reconciliation questions asked meanwhile are written down when the case ends.
        foreach (var ticket in tickets)
        {
            Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "approved", "符合条件", Decided));
        }

        foreach (var (id, ticket) in new[] { first, second }.Zip(tickets))
        {
            await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");
            await WaitUntilAsync(async () => (await FollowUpRowAsync(id)) is null);
            var received = hub.Housing.ReceivedApplications.Count(r => r.RequestId == id) + hub.Housing.ReceivedQueryCalls.Count(q => q.TicketNo == ticket);
            var onTimeline = (await CallsAsync(id)).Where(c => c.Request != "POST /oauth/token").Sum(c => c.Count);
            Assert.Equal(received, onTimeline);
        }

        // Token requests are on the timeline of the delivery or question that needed them: none of this hub's went unrecorded.
        Assert.Equal(hub.Housing.TokenRequestCount, await TokenCallsOnAllTimelinesAsync());
    }

    [Fact]
    public async Task StatusQueries_NothingNew_NoEntryOfTheirOwnThenFoldedIntoTheDecision()
    {
        hub.SocialSecurity.GivenDecision(null, "0");
        var id = await SubmitAsync("RS-001");
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        var entriesAfterDelivery = await DepartmentEntriesAsync(id);

        // Questions that bring nothing new wait, counted, on the follow-up row the poller rewrites anyway.
        await WaitUntilAsync(async () => hub.SocialSecurity.QueriesFor(caseNumber).Count >= 3
            && DepartmentCall.CountOf(await UnwrittenAsync(id)) == hub.SocialSecurity.QueriesFor(caseNumber).Count);
        Assert.Equal(entriesAfterDelivery, await DepartmentEntriesAsync(id));
        Assert.All(await UnwrittenAsync(id), c => Assert.Equal(("RS9001", 200, "0000"), (c.Request, c.HttpStatus, c.Code)));

        hub.SocialSecurity.GivenDecision(caseNumber, "1", "准予办理");
        await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(30));
        await WaitUntilAsync(async () => (await FollowUpRowAsync(id)) is null);

        var decision = Assert.Single(await TimelineAsync(id), e => e.Kind == "status" && e.Status == ApplicationStatus.Approved);
        var queries = hub.SocialSecurity.QueriesFor(caseNumber);
        Assert.Equal(queries.Count, decision.CallCount);
        var folded = Assert.Single(DepartmentCall.FromJson(decision.Calls));
        Assert.Equal(("RS9001", 200, "0000"), (folded.Request, folded.HttpStatus, folded.Code));
        Assert.True(folded.At <= queries[0].Time && folded.LastAt <= queries[^1].Time, "the folded times are the hub's send times");
        var delivery = hub.SocialSecurity.ReceivedCalls.Count(c => c.TransId == id);
        Assert.Equal(delivery + queries.Count, (await CallsAsync(id)).Sum(c => c.Count));
    }

    private async Task<string> SubmitAsync(string itemCode)
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample(itemCode));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    private Task<IReadOnlyList<TimelineEntity>> TimelineAsync(string id) =>
        hub.Services.GetRequiredService<ApplicationStore>().TimelineAsync(id, CancellationToken.None);

    // The platform's acknowledgements are written as they arrive; only the department's side is compared.
    private async Task<int> DepartmentEntriesAsync(string id) => (await TimelineAsync(id)).Count(e => e.Kind != "platform-notified");

    private async Task<IReadOnlyList<DepartmentCall>> UnwrittenAsync(string id) => DepartmentCall.FromJson((await FollowUpRowAsync(id))?.Calls);

    private async Task<FollowUpEntity?> FollowUpRowAsync(string id)
    {
        var application = await hub.Services.GetRequiredService<ApplicationStore>().ReadAsync(id, CancellationToken.None);
        return await hub.Services.GetRequiredService<FollowUpStore>().FindAsync(id, CancellationToken.None);
    }

    /// <summary>Every call on the application's timeline (each entry's, and the queries not yet written), in order.</summary>
    private async Task<IReadOnlyList<DepartmentCall>> CallsAsync(string id)
    {
        var entries = await TimelineAsync(id);
        Assert.All(entries, e => Assert.Equal(e.CallCount ?? 0, DepartmentCall.CountOf(DepartmentCall.FromJson(e.Calls))));
        return [.. entries.SelectMany(e => DepartmentCall.FromJson(e.Calls)), .. await UnwrittenAsync(id)];
    }

    private async Task<int> TokenCallsOnAllTimelinesAsync()
    {
        var table = await hub.Services.GetRequiredService<HubTables>().Applications();
        var count = 0;
        await foreach (var entry in table.QueryAsync<TimelineEntity>(e => e.CallCount > 0))
        {
            count += DepartmentCall.FromJson(entry.Calls).Where(c => c.Request == "POST /oauth/token").Sum(c => c.Count);
        }

        return count;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => Eventually.HoldsAsync(condition, "the condition");
}
