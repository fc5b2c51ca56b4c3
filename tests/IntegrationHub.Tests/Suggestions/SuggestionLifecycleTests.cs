using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Suggestions;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Suggestions;

/// <summary>The life of a suggestion through the portal's API and the platform's rating, every step reaching the platform.</summary>
[Collection(SuggestionsCollection.Name)]
public sealed class SuggestionLifecycleTests(SuggestionsFixture hub)
{
    [Fact]
    public async Task Suggestion_AcceptedAnsweredRatedUnsatisfiedOnceThenSatisfied_ClosesAndThePlatformReceivesEveryStep()
    {
        var id = await hub.NewSuggestionAsync();
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);

        using (var accepted = await hub.StepAsync(worker, id, "accepted"))
        {
            var detail = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal("Accepted", detail["view"]!["status"]!.GetValue<string>());

            // Acceptance alone does not stop the 24-hour clock.
            Assert.True(detail["summary"]!["clockRunning"]!.GetValue<bool>());
        }

        (await hub.StepAsync(worker, id, "progress", "已联系环卫所，明早清运")).EnsureSuccessStatusCode();
        (await hub.StepAsync(worker, id, "resolved", "垃圾已清运完毕")).EnsureSuccessStatusCode();
        using (var unsatisfied = await hub.RateAsync(id, "不满意", "第二天又堆起来了"))
        {
            Assert.Equal("Reopened", JsonNode.Parse(await unsatisfied.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }

        (await hub.StepAsync(worker, id, "resolved", "已设置围挡并安排每日清运")).EnsureSuccessStatusCode();
        using var satisfied = await hub.RateAsync(id, "不满意");
        var closed = JsonNode.Parse(await satisfied.Content.ReadAsStringAsync())!;

        // 不满意 reopens once only: the second closes it.
        Assert.Equal("Closed", closed["status"]!.GetValue<string>());
        Assert.Equal(["submitted", "accepted", "progress", "resolved", "rated", "resolved", "rated"],
            closed["timeline"]!.AsArray().Select(s => s!["step"]!.GetValue<string>()));
        Assert.Equal(SuggestionsFixture.Worker, closed["timeline"]![1]!["actor"]!.GetValue<string>());
        Assert.Equal("第二天又堆起来了", closed["timeline"]![4]!["note"]!.GetValue<string>());
        Assert.True(closed["clock"]!["onTime"]!.GetValue<bool>());

        var received = await WaitForEventsAsync(id, 7);
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.All(received, r => Assert.Equal("suggestion-changed", r.Event["type"]!.GetValue<string>()));
        Assert.Equal(["Submitted", "Accepted", "InProgress", "Resolved", "Reopened", "Resolved", "Closed"],
            received.OrderBy(r => r.Event["cursor"]!.GetValue<string>(), StringComparer.Ordinal).Select(r => r.Event["status"]!.GetValue<string>()));

        // The pull feed carries the same events beside the applications'.
        using var platform = hub.CreateClient();
        var feed = JsonNode.Parse(await platform.GetStringAsync("/api/v1/events?limit=1000"))!["events"]!.AsArray();
        Assert.Equal(7, feed.Count(e => e!["type"]!.GetValue<string>() == "suggestion-changed" && e["suggestionId"]!.GetValue<string>() == id));
    }

    [Fact]
    public async Task Suggestion_Transferred_ClosesOnARating()
    {
        var id = await hub.NewSuggestionAsync();
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);
        (await hub.StepAsync(worker, id, "accepted")).EnsureSuccessStatusCode();

        using var transferred = await hub.StepAsync(worker, id, "transferred", "属燃气管道隐患，非社区职责", "徐州市燃气公司");
        using var rated = await hub.RateAsync(id, "基本满意");

        var view = JsonNode.Parse(await rated.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, transferred.StatusCode);
        Assert.Equal("Closed", view["status"]!.GetValue<string>());
        Assert.Equal("徐州市燃气公司", view["timeline"]![2]!["department"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("other-community-worker", 404)]
    [InlineData("supervisor", 403)]
    [InlineData("operator", 403)]
    [InlineData("cross-origin", 403)]
    [InlineData("progress-before-accept", 409)]
    [InlineData("note-missing", 400)]
    [InlineData("unknown-step", 400)]
    public async Task Step_NotAllowed_AnswersAProblemAndChangesNothing(string how, int status)
    {
        var id = await hub.NewSuggestionAsync();
        var user = how switch
        {
            "other-community-worker" => SuggestionsFixture.OtherWorker,
            "supervisor" => SuggestionsFixture.Supervisor,
            "operator" => HubFixture.OperatorUser,
            _ => SuggestionsFixture.Worker,
        };
        using var portal = await hub.CreatePortalClientAsync(user);
        HttpResponseMessage response;
        if (how == "cross-origin")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/suggestions/{id}/steps") { Content = JsonContent.Create(new { step = "accepted" }) };
            request.Headers.Add("Origin", "http://127.0.0.1:1");
            response = await portal.SendAsync(request);
        }
        else
        {
            var (step, note) = how switch
            {
                "progress-before-accept" => ("progress", "进展"),
                "note-missing" => ("resolved", null),
                "unknown-step" => ("closed", "x"),
                _ => ("accepted", (string?)null),
            };
            response = await hub.StepAsync(portal, id, step, note);
        }

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Submitted", (await hub.GetSuggestionAsync(id))["status"]!.GetValue<string>());
        response.Dispose();
    }

    [Fact]
    public async Task Rate_BeforeAnyResult_409()
    {
        var id = await hub.NewSuggestionAsync();

        using var response = await hub.RateAsync(id, "满意");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task CommunityWorker_ApplicationsAndAudit_Forbidden()
    {
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);

        foreach (var path in new[] { "/api/v1/portal/dashboard", "/api/v1/portal/handoffs", "/api/v1/portal/unacknowledged", "/api/v1/portal/audit" })
        {
            using var response = await worker.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task Queue_ScopedToTheWorkersCommunityAndTheSupervisorsStreet()
    {
        var ours = await hub.NewSuggestionAsync();
        var theirs = await hub.NewSuggestionAsync(SuggestionsFixture.OtherCommunity);
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);
        using var supervisor = await hub.CreatePortalClientAsync(SuggestionsFixture.Supervisor);

        var workerQueue = JsonNode.Parse(await worker.GetStringAsync("/api/v1/portal/suggestions"))!;
        var supervisorQueue = JsonNode.Parse(await supervisor.GetStringAsync("/api/v1/portal/suggestions"))!;
        using var foreign = await worker.GetAsync($"/api/v1/portal/suggestions/{theirs}");

        var workerIds = workerQueue["items"]!.AsArray().Select(i => i!["suggestionId"]!.GetValue<string>()).ToList();
        Assert.Contains(ours, workerIds);
        Assert.DoesNotContain(theirs, workerIds);
        Assert.Equal(["DIEMENG"], workerQueue["communities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["DIEMENG", "KANGJU"], supervisorQueue["communities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        // Ordered by time left: the oldest open suggestion first.
        var left = workerQueue["items"]!.AsArray().Where(i => i!["clockRunning"]!.GetValue<bool>()).Select(i => i!["secondsLeft"]!.GetValue<long>()).ToList();
        Assert.Equal(left.Order(), left);
    }

    [Fact]
    public async Task Reveal_Phone_ByTheCommunitysWorkerWithAReason_IsAudited()
    {
        var id = await hub.NewSuggestionAsync();
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/suggestions/{id}/reveal")
        {
            Content = JsonContent.Create(new { field = "phone", reason = "电话回访居民" }),
        };

        using var response = await worker.SendAsync(request);
        using var operatorClient = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);
        var audit = JsonNode.Parse(await operatorClient.GetStringAsync("/api/v1/portal/audit"))!["entries"]!.AsArray();

        Assert.Equal("13912345678", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!.GetValue<string>());
        var entry = audit.First(e => e!["target"]!.GetValue<string>() == id)!;
        Assert.Equal("suggestion-reveal", entry["action"]!.GetValue<string>());
        Assert.Equal("电话回访居民", entry["reason"]!.GetValue<string>());
        Assert.Equal("phone", entry["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(SuggestionsFixture.Worker, "phone", "", 400)]
    [InlineData(SuggestionsFixture.Worker, "idNumber", "电话回访居民", 400)]
    [InlineData(SuggestionsFixture.OtherWorker, "phone", "电话回访居民", 404)]
    [InlineData(SuggestionsFixture.Supervisor, "phone", "电话回访居民", 403)]
    public async Task Reveal_Refused_AnswersAProblemAndAuditsNothing(string user, string field, string reason, int status)
    {
        var id = await hub.NewSuggestionAsync();
        using var portal = await hub.CreatePortalClientAsync(user);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/suggestions/{id}/reveal")
        {
            Content = JsonContent.Create(new { field, reason }),
        };

        using var response = await portal.SendAsync(request);
        using var operatorClient = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);
        var audit = JsonNode.Parse(await operatorClient.GetStringAsync("/api/v1/portal/audit"))!["entries"]!.AsArray();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("13912345678", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(audit, e => e!["target"]!.GetValue<string>() == id);
    }

    /// <summary>The slice's own storage calls for one step (docs/suggestions.md); the feed, session check and audit row add four.</summary>
    [Fact]
    public async Task Step_Accept_CostsSixSliceCalls()
    {
        var id = await hub.NewSuggestionAsync();
        using var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);
        var storage = hub.Services.GetRequiredService<SuggestionStorage>();
        var before = storage.Calls;

        (await hub.StepAsync(worker, id, "accepted")).EnsureSuccessStatusCode();

        // Scope check, intent, read, transaction, clearing the intent, reading the answer.
        Assert.Equal(6, storage.Calls - before);
    }

    private async Task<List<(JsonNode Event, bool SignatureValid, string EventId)>> WaitForEventsAsync(string id, int count)
    {
        var received = await Eventually.ReturnsAsync(
            () => Task.FromResult(hub.Platform.Received().Where(r => r.Event["suggestionId"]?.GetValue<string>() == id).DistinctBy(r => r.EventId).ToList()),
            r => r.Count >= count, $"{count} events of suggestion {id}");
        Assert.Equal(count, received.Count);
        return received;
    }
}
