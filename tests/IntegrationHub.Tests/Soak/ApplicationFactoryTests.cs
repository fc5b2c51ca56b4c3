using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Soak;

namespace IntegrationHub.Tests.Soak;

/// <summary>The soak's applications must be ones the hub accepts, or its figures would measure the generator.</summary>
public sealed class ApplicationFactoryTests
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
