using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Suggestions;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Suggestions;

/// <summary>The 24-hour rule on a fake clock: the whole hub reads the time from it, and the test runs the deadline job.</summary>
[Collection(SuggestionClockCollection.Name)]
public sealed class SuggestionClockTests(SuggestionClockFixture hub)
{
    private SuggestionService Job => hub.Services.GetRequiredService<SuggestionService>();

    [Fact]
    public async Task Clock_AcceptedButNotAnswered_WarnsAt20HoursBreachesAt24AndEscalatesToTheStreetSupervisor()
    {
        var id = await hub.NewSuggestionAsync();
        hub.Clock.Advance(TimeSpan.FromHours(1));
        using (var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker))
        {
            (await hub.StepAsync(worker, id, "accepted")).EnsureSuccessStatusCode();
        }

        hub.Clock.Advance(TimeSpan.FromHours(19) - TimeSpan.FromSeconds(1));
        await Job.RunDeadlinesAsync(default);
        Assert.Equal(["submitted", "accepted"], await StepsAsync(id));

        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        await Job.RunDeadlinesAsync(default);
        await Job.RunDeadlinesAsync(default);
        var warned = await hub.GetSuggestionAsync(id);
        Assert.Equal(["submitted", "accepted", "deadline-warning"], await StepsAsync(id));
        Assert.True(warned["clock"]!["warned"]!.GetValue<bool>());
        Assert.False(warned["clock"]!["breached"]!.GetValue<bool>());

        hub.Clock.Advance(TimeSpan.FromHours(4));
        await Job.RunDeadlinesAsync(default);
        var breached = await hub.GetSuggestionAsync(id);
        Assert.Equal(["submitted", "accepted", "deadline-warning", "deadline-breached"], await StepsAsync(id));
        Assert.True(breached["clock"]!["breached"]!.GetValue<bool>());
        Assert.False(breached["clock"]!["onTime"]!.GetValue<bool>());
        Assert.Contains("上报", breached["timeline"]![3]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);

        // Escalated: first in the street supervisor's list, flagged; the platform received the warning and the breach.
        using var supervisor = await hub.CreatePortalClientAsync(SuggestionsFixture.Supervisor);
        await hub.NewSuggestionAsync(); // a fresh one with more time left must not come before the breach
        var queue = JsonNode.Parse(await supervisor.GetStringAsync("/api/v1/portal/suggestions"))!["items"]!.AsArray();
        Assert.True(queue[0]!["breached"]!.GetValue<bool>());
        Assert.Contains(queue.TakeWhile(i => i!["breached"]!.GetValue<bool>()), i => i!["suggestionId"]!.GetValue<string>() == id);
        var steps = await WaitForEventStepsAsync(id, 4);
        Assert.Equal(["submitted", "accepted", "deadline-warning", "deadline-breached"], steps);

        // Nothing more is due: running the job again adds nothing.
        hub.Clock.Advance(TimeSpan.FromHours(30));
        await Job.RunDeadlinesAsync(default);
        Assert.Equal(4, (await StepsAsync(id)).Count);
    }

    [Fact]
    public async Task Clock_ProgressAfterAcceptance_StopsTheClockOnTimeAndNoWarningFollows()
    {
        var id = await hub.NewSuggestionAsync();
        using (var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker))
        {
            (await hub.StepAsync(worker, id, "accepted")).EnsureSuccessStatusCode();
            hub.Clock.Advance(TimeSpan.FromHours(3));
            (await hub.StepAsync(worker, id, "progress", "已派人查看")).EnsureSuccessStatusCode();
        }

        hub.Clock.Advance(TimeSpan.FromHours(25));
        await Job.RunDeadlinesAsync(default);
        var view = await hub.GetSuggestionAsync(id);

        Assert.Equal(["submitted", "accepted", "progress"], await StepsAsync(id));
        Assert.True(view["clock"]!["onTime"]!.GetValue<bool>());
        Assert.NotNull(view["clock"]!["stoppedAt"]);
    }

    [Fact]
    public async Task SuggestionDeadlines_FunctionsTimerAt20Hours_WarnsLikeTheLocalJob()
    {
        // The Functions host's timer entry point, called directly (func cannot run here), drives the same job.
        var functions = ActivatorUtilities.CreateInstance<IntegrationHub.Functions.SuggestionFunctions>(hub.Services);
        var id = await hub.NewSuggestionAsync();

        hub.Clock.Advance(TimeSpan.FromHours(20));
        await functions.SuggestionDeadlines(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);

        Assert.Equal(["submitted", "deadline-warning"], await StepsAsync(id));
    }

    [Fact]
    public async Task Retention_ClosedLongerThanEraseAfter_ErasesWordsContactCommentAndPhotosKeepsMasksAndTimeline()
    {
        var id = await hub.NewSuggestionAsync();
        using (var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker))
        {
            (await hub.StepAsync(worker, id, "accepted")).EnsureSuccessStatusCode();
            (await hub.StepAsync(worker, id, "resolved", "垃圾已清运")).EnsureSuccessStatusCode();
        }

        (await hub.RateAsync(id, "满意", "谢谢社区王老师")).EnsureSuccessStatusCode();
        var store = hub.Services.GetRequiredService<SuggestionStore>();
        var storage = hub.Services.GetRequiredService<SuggestionStorage>();
        var photos = SuggestionStore.PhotosOf((await store.FindAsync(id, default))!);
        var container = storage.Blobs.GetBlobContainerClient(SuggestionStore.ContainerName(storage.Prefix));
        Assert.True(await container.GetBlobClient(photos.Single().Name).ExistsAsync());

        // Thirty days after closing (the applications' Security:Retention:EraseAfter), not a minute before.
        hub.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        await Job.RunDeadlinesAsync(default);
        Assert.Equal("小区东门垃圾堆放三天无人清运", (await hub.GetSuggestionAsync(id))["text"]!.GetValue<string>());

        hub.Clock.Advance(TimeSpan.FromMinutes(2));
        await Job.RunDeadlinesAsync(default);
        await Job.RunDeadlinesAsync(default);
        var view = await hub.GetSuggestionAsync(id);
        var row = (await store.FindAsync(id, default))!;
        using var portal = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker);
        using var reveal = await portal.PostAsJsonAsync($"/api/v1/portal/suggestions/{id}/reveal", new { field = "phone", reason = "电话回访居民" });

        Assert.NotNull(view["erasedAt"]);
        Assert.Null(view["text"]);
        Assert.Null(view["address"]);
        Assert.Null(view["location"]);
        Assert.Empty(view["photos"]!.AsArray());
        Assert.Equal("139****5678", view["contactPhone"]!.GetValue<string>());
        Assert.Equal("Closed", view["status"]!.GetValue<string>());
        Assert.Equal(["submitted", "accepted", "resolved", "rated", "erased"], await StepsAsync(id));
        Assert.Null(view["timeline"]![3]!["note"]);
        Assert.Null(row.SealedResident);
        Assert.False(await container.GetBlobClient(photos.Single().Name).ExistsAsync());
        Assert.Equal(System.Net.HttpStatusCode.Gone, reveal.StatusCode);
    }

    [Fact]
    public async Task OnTimeRate_OneAnsweredInTimeOneBreached_HalfForThatCommunityAndWeek()
    {
        var week = SuggestionPortalApi.WeekOf(hub.Clock.GetUtcNow());
        var onTime = await hub.NewSuggestionAsync(SuggestionsFixture.OtherCommunity);
        var late = await hub.NewSuggestionAsync(SuggestionsFixture.OtherCommunity);
        using (var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.OtherWorker))
        {
            (await hub.StepAsync(worker, onTime, "accepted")).EnsureSuccessStatusCode();
            (await hub.StepAsync(worker, onTime, "resolved", "路灯已修复")).EnsureSuccessStatusCode();
        }

        hub.Clock.Advance(TimeSpan.FromHours(24));
        await Job.RunDeadlinesAsync(default);
        using var worker2 = await hub.CreatePortalClientAsync(SuggestionsFixture.OtherWorker);
        var stats = JsonNode.Parse(await worker2.GetStringAsync("/api/v1/portal/suggestion-stats?weeks=4"))!;

        var community = stats["communities"]!.AsArray().Single()!;
        Assert.Equal("XIADIAN", community["community"]!.GetValue<string>());
        var thatWeek = community["weeks"]!.AsArray().Single(w => w!["weekStart"]!.GetValue<string>() == week.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))!;
        Assert.Equal(2, thatWeek["due"]!.GetValue<int>());
        Assert.Equal(1, thatWeek["onTime"]!.GetValue<int>());
        Assert.Equal(0.5, thatWeek["rate"]!.GetValue<double>());
        Assert.NotNull(late);
    }

    private async Task<List<string>> StepsAsync(string id) =>
        [.. (await hub.GetSuggestionAsync(id))["timeline"]!.AsArray().Select(s => s!["step"]!.GetValue<string>())];

    private Task<List<string>> WaitForEventStepsAsync(string id, int count) => Eventually.ReturnsAsync(
        () => Task.FromResult(hub.Platform.Received().Where(r => r.Event["suggestionId"]?.GetValue<string>() == id).DistinctBy(r => r.EventId)
            .OrderBy(r => r.Event["cursor"]!.GetValue<string>(), StringComparer.Ordinal).Select(r => r.Event["step"]!.GetValue<string>()).ToList()),
        steps => steps.Count >= count, $"{count} events of suggestion {id}");
}
