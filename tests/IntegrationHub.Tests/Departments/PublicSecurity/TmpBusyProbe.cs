using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

[Collection(PipelineCollection.Name)]
public sealed class TmpBusyProbe(HubFixture hub)
{
    [Fact]
    public async Task Probe_BusyTwiceThenSuccess()
    {
        var cases = hub.PublicSecurity.CaseCount;
        hub.PublicSecurity.GivenBusy(2);
        using var response = await hub.SubmitAsync(IntakeTests.Sample("GA-004"), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null);
        var attempts = hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).ToList();
        Assert.Equal(["9001", "9001", "0000"], attempts.Select(a => a.Code));
        Assert.Equal(3, attempts.Select(a => a.Nonce).Distinct().Count());
        Assert.Equal(cases + 1, hub.PublicSecurity.CaseCount);
    }
}
