using System.Net;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Applications;

/// <summary>
/// Issue 11, the door's material rules in detail (names in the problem, conditions, another platform's or code's file);
/// the lifecycle after applying is in <see cref="MaterialsLifecycleTests"/>, against the sandboxes.
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class LifecycleTests(MaterialsHubFixture hub)
{
    [Fact]
    public async Task Apply_RequiredMaterialMissing_IsRefusedAtTheDoorNamingIt()
    {
        var body = IntakeTests.Sample("FG-002");
        body["materials"] = new JsonArray(new JsonObject { ["code"] = "leaseContract", ["materialId"] = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf()) });

        using var response = await hub.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("propertyCertificate", problem["errors"]!["materials"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("不动产权证书或房屋所有权证", problem["errors"]!["materials"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ConditionalMaterialOutsideItsCondition_IsRefusedAtTheDoor()
    {
        // GA-002 for work (residenceReason 01) takes the proof of employment, not the proof of study.
        var body = IntakeTests.Sample("GA-002");
        body["materials"] = new JsonArray(
            new JsonObject { ["code"] = "employmentProof", ["materialId"] = await hub.UploadMaterialAsync("employmentProof", TestFiles.Pdf()) },
            new JsonObject { ["code"] = "studyProof", ["materialId"] = await hub.UploadMaterialAsync("studyProof", TestFiles.Png(), "image/png") });

        using var response = await hub.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["materials[1].code"], errors.Select(e => e.Key));
    }

    [Fact]
    public async Task Apply_MaterialOfAnotherPlatformOrCode_IsRefusedAtTheDoor()
    {
        var body = IntakeTests.Sample("FG-005");
        body["materials"] = new JsonArray(new JsonObject { ["code"] = "incomeProof", ["materialId"] = await hub.UploadMaterialAsync("incomeProof", TestFiles.Pdf(), apiKey: HubFixture.KeyB) });
        var other = IntakeTests.Sample("FG-005");
        other["materials"] = new JsonArray(new JsonObject { ["code"] = "incomeProof", ["materialId"] = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf()) });

        using var foreign = await hub.SubmitAsync(body);
        using var mislabelled = await hub.SubmitAsync(other);

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("is not a material this platform uploaded", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mislabelled.StatusCode);
        Assert.Contains("was uploaded as 'leaseContract'", await mislabelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
