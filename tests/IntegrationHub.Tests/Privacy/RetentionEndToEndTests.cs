using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Functions;
using IntegrationHub.Materials;
using IntegrationHub.Local.Workers;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntegrationHub.Tests.Privacy;

/// <summary>A hub that keeps personal data one second after an application closes, and whose own sweep never runs by itself.</summary>
public sealed class RetentionFixture : HubFixture
{
    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Security:Retention:EraseAfter"] = "00:00:01";
        ScheduleSweeps(settings, Never);
    }
}

[CollectionDefinition(Name)]
public sealed class RetentionCollection : ICollectionFixture<RetentionFixture>
{
    public const string Name = "retention";
}

/// <summary>Retention through the hub's two periodic jobs: the Functions timer and the local host's sweep.</summary>
[Collection(RetentionCollection.Name)]
public sealed class RetentionEndToEndTests(RetentionFixture hub)
{
    [Fact]
    public async Task ErasePersonalData_FunctionsTimer_ErasesClosedApplicationsAndKeepsTheMaskedTimeline()
    {
        var closed = await SubmitAsync("FG-003", a => a["status"]!.GetValue<string>() == "Approved");
        var open = await SubmitAsync("GA-001", a => a["handoff"]!.GetValue<string>() == "Delivered");
        Assert.NotNull((await hub.GetApplicationAsync(closed))["result"]);

        // Erased at the first run once EraseAfter (1 s) has passed since it closed; runs before that leave it.
        var functions = ActivatorUtilities.CreateInstance<PipelineFunctions>(hub.Services);
        await ErasedAsync(closed, () => functions.ErasePersonalData(null!, CancellationToken.None));

        var platformView = await hub.GetApplicationAsync(closed);
        Assert.Equal("Approved", platformView["status"]!.GetValue<string>());
        Assert.Null(platformView["result"]);
        var kinds = platformView["timeline"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal(["received", "attempt", "status"], kinds.Take(3));
        Assert.Single(kinds, "erased");

        using var client = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);
        var detail = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/portal/handoffs/{closed}"))!;
        Assert.NotNull(detail["erasedAt"]);
        Assert.Null(detail["form"]);
        Assert.Null(detail["result"]);
        Assert.Null(detail["applicantIdNumber"]);
        Assert.Empty(detail["revealable"]!.AsArray());
        Assert.Equal("张*", detail["summary"]!["applicantName"]!.GetValue<string>());
        var attempt = detail["timeline"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "attempt")!;
        Assert.Contains("1101**********002X", attempt["requestPayload"]!.GetValue<string>(), StringComparison.Ordinal);

        using var reveal = await client.PostAsJsonAsync($"/api/v1/portal/handoffs/{closed}/reveal", new { field = "idNumber", reason = "核对身份" });
        Assert.Equal(HttpStatusCode.Gone, reveal.StatusCode);
        using var search = await client.PostAsJsonAsync("/api/v1/portal/handoffs/search", new { idNumber = "11010519491231002X", applicationId = closed });
        Assert.Equal(0, (await search.Content.ReadFromJsonAsync<JsonObject>())!["total"]!.GetValue<int>());

        var stillOpen = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/portal/handoffs/{open}"))!;
        Assert.Null(stillOpen["erasedAt"]);
        Assert.NotNull(stillOpen["form"]);
    }

    [Fact]
    public async Task ErasePersonalDataTimer_LocalHost_ErasesWhatIsDue()
    {
        var closed = await SubmitAsync("GA-005", a => a["status"]!.GetValue<string>() == "Approved");

        // The local host's stand-in for the ErasePersonalData timer, run as one occurrence runs it (its schedule never comes here).
        var timer = hub.Services.GetServices<IHostedService>().OfType<TimerJob>().Single(j => j.Function == nameof(PipelineFunctions.ErasePersonalData));
        await ErasedAsync(closed, () => timer.RunAsync(CancellationToken.None));
    }

    // Runs the job until the application's personal data is erased (due EraseAfter after it closed, by the hub's real clock).
    private Task ErasedAsync(string id, Func<Task> run)
    {
        var store = hub.Services.GetRequiredService<ApplicationStore>();
        return Eventually.HoldsAsync(async () =>
        {
            await run();
            return (await store.FindAsync(id, CancellationToken.None))!.ErasedAt is not null;
        }, $"{id}'s personal data to be erased");
    }

    /// <summary>Issue 11: the files of an erased application's materials are gone; its views still name them (name, type, size).</summary>
    [Fact]
    public async Task ErasePersonalData_ApplicationWithMaterials_DeletesItsFilesAndKeepsTheirNamesTypesAndSizes()
    {
        // GA-001's sample rents its home, so the fixture uploads a lease contract (a PDF) with it.
        var id = await SubmitAsync("GA-001", a => a["caseNumber"] is not null);
        var store = hub.Services.GetRequiredService<ApplicationStore>();
        var files = hub.Services.GetRequiredService<MaterialStore>();
        var held = Assert.Single(ApplicationMaterials.Read((await store.ReadAsync(id, CancellationToken.None))!));
        Assert.NotNull(await files.FindAsync(held.Id, CancellationToken.None));
        var caseNumber = (await hub.GetApplicationAsync(id))["caseNumber"]!.GetValue<string>();
        var at = TimeProvider.System.GetUtcNow();
        using (var scope = hub.Services.CreateScope())
        {
            var report = new DepartmentStatusReport("GA", id, caseNumber, ApplicationStatus.Approved, "准予", at, $"{caseNumber}-approved", "Approved");
            Assert.Equal(ReportOutcome.Applied, await scope.ServiceProvider.GetRequiredService<IDepartmentStatusSink>().ApplyAsync(report, CancellationToken.None));
        }

        await ErasedAsync(id, () => ActivatorUtilities.CreateInstance<PipelineFunctions>(hub.Services).ErasePersonalData(null!, CancellationToken.None));

        Assert.Null(await files.FindAsync(held.Id, CancellationToken.None));
        var view = await hub.GetApplicationAsync(id);
        var listed = Assert.Single(view["materials"]!.AsArray())!;
        Assert.Equal(held.Code, listed["code"]!.GetValue<string>());
        Assert.Equal("房屋租赁合同", listed["name"]!.GetValue<string>());
        Assert.Equal("application/pdf", listed["mediaType"]!.GetValue<string>());
        Assert.Equal(held.Size, listed["size"]!.GetValue<long>());
        using var client = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);
        var detail = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/portal/handoffs/{id}"))!;
        Assert.NotNull(detail["erasedAt"]);
        Assert.Equal(held.Size, Assert.Single(detail["materials"]!.AsArray())!["size"]!.GetValue<long>());
        using var opened = await client.PostAsJsonAsync($"/api/v1/portal/handoffs/{id}/materials/0/content", new { reason = "核对材料" });
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
    }

    private async Task<string> SubmitAsync(string itemCode, Func<JsonNode, bool> done)
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample(itemCode));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, done);
        return id;
    }
}
