using IntegrationHub.Local;
using IntegrationHub.Local.Workers;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntegrationHub.Tests.Hosts;

/// <summary>
/// Every trigger of the Functions app, read from the functions.metadata its build generates, against the local host's
/// stand-in: the same HTTP routes, the same queues, the same timer schedules. The Functions app's queue names and schedules
/// are app-setting expressions, resolved here against its settings as its host resolves them.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class TriggerParityTests(HubFixture hub)
{
    [Fact]
    public void Hosts_RouteTables_AreIdentical()
    {
        var local = RouteTable.Local(hub.App);
        var functions = RouteTable.Functions();

        Assert.NotEmpty(local);
        Assert.Equal(local, functions);
    }

    [Fact]
    public async Task Hosts_QueueTriggers_ReadTheSameQueues()
    {
        var (functions, local) = await TablesAsync("queueTrigger",
            workers => workers.OfType<QueueWorker>().Select(w => (w.Function, w.QueueName)));

        Assert.Equal(["FailPoisonedHandoff: handoffs-poison", "HandOff: handoffs"], functions);
        Assert.Equal(functions, local);
    }

    [Fact]
    public async Task Hosts_TimerTriggers_RunOnTheSameSchedules()
    {
        var (functions, local) = await TablesAsync("timerTrigger",
            workers => workers.OfType<TimerJob>().Select(j => (j.Function, j.Schedule)));

        Assert.Equal(7, functions.Count);
        Assert.Equal(functions, local);
    }

    [Fact]
    public void FunctionsApp_TriggerExpressions_ReadSettingsSetAlikeOnAzureAndLocally()
    {
        var local = FunctionsMetadata.LocalSettings();
        var azure = FunctionsMetadata.InfraSettings();
        var expressions = FunctionsMetadata.Triggers().Where(t => t.Type != "httpTrigger").Select(t => t.Value!).ToList();
        var read = expressions.SelectMany(FunctionsMetadata.SettingsIn).Distinct().ToList();

        // Every queue name and schedule comes from a setting; none is written into the app.
        Assert.All(expressions, e => Assert.NotEmpty(FunctionsMetadata.SettingsIn(e)));
        Assert.All(read, key =>
        {
            Assert.True(azure.ContainsKey(key), $"{key} is not an app setting in infra/modules/functionapp.bicep");
            Assert.Equal(local[key], azure[key]);
        });
    }

    // The Functions app's triggers of one type, their expressions resolved against its settings, beside the local host's
    // stand-ins built with the defaults, as "Function: queue or schedule" lines.
    private async Task<(SortedSet<string> Functions, SortedSet<string> Local)> TablesAsync(
        string type, Func<IEnumerable<IHostedService>, IEnumerable<(string Function, string Value)>> standIns)
    {
        var settings = FunctionsMetadata.LocalSettings();
        var functions = Table(FunctionsMetadata.Triggers().Where(t => t.Type == type)
            .Select(t => (t.Function, FunctionsMetadata.Resolve(t.Value!, settings))));
        await using var app = DefaultLocalHost();
        return (functions, Table(standIns(app.Services.GetServices<IHostedService>())));
    }

    // The local host with nothing configured but what it cannot start without: its queues and schedules are the defaults.
    private WebApplication DefaultLocalHost() => LocalHub.Build(
    [
        "--HUB_PORT=0",
        $"--Storage:ConnectionString={hub.Azurite.ConnectionString}",
        $"--Security:Encryption:ActiveKeyId={HubFixture.EncryptionKeyId}",
        $"--Security:Encryption:Keys:{HubFixture.EncryptionKeyId}={hub.EncryptionKey}",
        // A configured department runs no sandbox, and the host is never started: nothing listens, nothing is called.
        "--Departments:PublicSecurity:BaseUrl=http://127.0.0.1:9/",
        "--Departments:PublicSecurity:AccessUnitCode=320300SQPT01",
        $"--Departments:PublicSecurity:SigningKey={Convert.ToBase64String(HubFixture.PublicSecurityKey)}",
        "--Departments:Housing:BaseUrl=http://127.0.0.1:9/",
        $"--Departments:Housing:ClientId={HubFixture.HousingClientId}",
        $"--Departments:Housing:ClientSecret={HubFixture.HousingClientSecret}",
        $"--Departments:Housing:WebhookSecret={HubFixture.HousingWebhookSecret}",
        "--Departments:SocialSecurity:BaseUrl=http://127.0.0.1:9/",
        $"--Departments:SocialSecurity:OrgCode={HubFixture.SocialSecurityOrg}",
        $"--Departments:SocialSecurity:SigningKey={HubFixture.SocialSecurityKey}",
    ]);

    private static SortedSet<string> Table(IEnumerable<(string Function, string Value)> triggers) =>
        [.. triggers.Select(t => $"{t.Function}: {t.Value}")];
}
