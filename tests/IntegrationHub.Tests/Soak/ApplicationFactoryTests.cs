using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Soak;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Soak;

/// <summary>The soak's applications must be ones the hub accepts, or its figures would measure the generator.</summary>
[Collection(HubCollection.Name)]
public sealed class ApplicationFactoryTests(HubFixture hub)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    [Fact]
    public void Create_EveryOnlineItem_PassesIntakeValidation()
    {
        var validator = new ApplicationValidator(new FormSchemas(ServiceCatalog.LoadEmbedded()), TimeProvider.System);
        var factory = new ApplicationFactory(seed: 11, runId: "test", Today);

        var refused = Enumerable.Range(0, ApplicationFactory.OnlineItems.Length * 30)
            .Select(factory.Create)
            .Select(a => (a.ItemCode, validator.Validate(a.Body).Errors))
            .Where(r => r.Errors.Count > 0)
            .Select(r => $"{r.ItemCode}: {string.Join("; ", r.Errors.Select(e => $"{e.Key} {string.Join(' ', e.Value)}"))}")
            .ToList();

        Assert.Empty(refused);
    }

    /// <summary>
    /// Issue 11: with the materials the soak and the bench upload (<see cref="PlatformMaterials"/>), every generated body
    /// passes the door's material rules (<see cref="ApplicationMaterials"/>, against the files really stored), and every
    /// required or conditional code of the online items is sent at least once, so no rule goes untried.
    /// </summary>
    [Fact]
    public async Task Create_EveryOnlineItemWithItsMaterials_PassesTheDoorsMaterialRules()
    {
        var materials = await PlatformMaterials.UploadAsync(hub.BaseAddress, HubFixture.KeyA, "factory-test", ApplicationFactory.OnlineItems, CancellationToken.None);
        var door = hub.Services.GetRequiredService<ApplicationMaterials>();
        var factory = new ApplicationFactory(seed: 14, runId: "test", Today);

        var refused = new List<string>();
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var application in Enumerable.Range(0, ApplicationFactory.OnlineItems.Length * 30).Select(factory.Create).Select(materials.Attach))
        {
            // What the body carries, as the hub reads it: not what the helper meant to attach.
            var inputs = application.Body["materials"] is JsonArray named
                ? named.Select(m => new MaterialInput(m!["code"]!.GetValue<string>(), m["materialId"]!.GetValue<string>())).ToList()
                : [];
            sent.UnionWith(inputs.Select(i => i.Code));
            var (_, errors) = await door.ForApplicationAsync(HubFixture.PlatformA, application.ItemCode, application.Body["form"]!.AsObject(), inputs, CancellationToken.None);
            refused.AddRange(errors.Select(e => $"{application.ItemCode}: {e.Key} {string.Join(' ', e.Value)}"));
        }

        Assert.Empty(refused);
        Assert.Equal(PlatformMaterials.Codes(ApplicationFactory.OnlineItems).Order(), sent.Order());
    }

    /// <summary>The door does hold the generator to its rules: the same bodies without their materials are refused.</summary>
    [Fact]
    public async Task Create_WantedMaterialsLeftOut_RefusedAtTheDoor()
    {
        var door = hub.Services.GetRequiredService<ApplicationMaterials>();
        var factory = new ApplicationFactory(seed: 14, runId: "test", Today);
        var wanting = Enumerable.Range(0, ApplicationFactory.OnlineItems.Length * 30).Select(factory.Create)
            .Where(a => ServiceCatalog.LoadEmbedded().Find(a.ItemCode)!.Materials.Any(m => CatalogMaterials.IsWanted(m, a.Body["form"]!.AsObject())))
            .ToList();

        Assert.NotEmpty(wanting);
        foreach (var application in wanting)
        {
            var (_, errors) = await door.ForApplicationAsync(HubFixture.PlatformA, application.ItemCode, application.Body["form"]!.AsObject(), [], CancellationToken.None);
            Assert.True(errors.ContainsKey("materials"), application.ItemCode);
        }
    }

    [Fact]
    public void Create_OnlineItems_AllNineteenInTurn()
    {
        var factory = new ApplicationFactory(seed: 12, runId: "test", Today);

        var items = Enumerable.Range(0, 19).Select(i => factory.Create(i).ItemCode).ToList();

        Assert.Equal(ServiceCatalog.LoadEmbedded().Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).Order(), items.Order());
    }

    [Fact]
    public void Create_ApplicantIdNumbers_ValidAndUniquePerApplication()
    {
        var factory = new ApplicationFactory(seed: 13, runId: "test", Today);

        var ids = Enumerable.Range(0, 5000).Select(i => factory.Create(i).IdNumber).ToList();

        Assert.All(ids, id => Assert.True(CitizenId.IsValid(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
