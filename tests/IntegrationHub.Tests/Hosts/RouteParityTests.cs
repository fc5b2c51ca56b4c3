using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Hosts;

[Collection(HubCollection.Name)]
public sealed class RouteParityTests(HubFixture hub)
{
    [Fact]
    public void Hosts_RouteTables_AreIdentical()
    {
        var local = RouteTable.Local(hub.App);
        var functions = RouteTable.Functions();

        Assert.NotEmpty(local);
        Assert.Equal(local, functions);
    }
}
