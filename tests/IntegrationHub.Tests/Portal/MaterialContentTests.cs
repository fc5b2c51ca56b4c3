using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// Issue 11: a material's content leaves the hub only to an operator who gives a reason, audited like reveal, as the file
/// itself (its real media type, never cached, a download); viewers and the detail view see its name, type and size.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class MaterialContentTests(HubFixture hub)
{
    [Fact]
    public async Task MaterialContent_OperatorWithReason_GetsTheUploadedBytesAuditedViewerAndNoReasonRefused()
    {
        var pdf = TestFiles.Pdf(2, $"householdRegister-{Guid.NewGuid()}");
        var body = IntakeTests.Sample("RS-007");
        body["materials"] = new JsonArray(new JsonObject { ["code"] = "householdRegister", ["materialId"] = await hub.UploadMaterialAsync("householdRegister", pdf) });
        using var submitted = await hub.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var path = $"/api/v1/portal/handoffs/{id}/materials/0/content";
        using var operatorClient = await hub.CreatePortalClientAsync();
        using var viewerClient = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);

        var detail = await operatorClient.GetFromJsonAsync<JsonObject>($"/api/v1/portal/handoffs/{id}");
        var listed = Assert.Single(detail!["materials"]!.AsArray())!;
        Assert.Equal("application/pdf", listed["mediaType"]!.GetValue<string>());
        Assert.Equal(pdf.Length, listed["size"]!.GetValue<long>());
        using (var viewer = await PostAsync(viewerClient, path, new JsonObject { ["reason"] = "只读用户尝试" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        }

        using (var noReason = await PostAsync(operatorClient, path, new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.NotNull((await noReason.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["reason"]);
        }

        using (var none = await PostAsync(operatorClient, $"/api/v1/portal/handoffs/{id}/materials/1/content", new JsonObject { ["reason"] = "核对材料" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var before = await AuditAsync(operatorClient, id);
        using var opened = await PostAsync(operatorClient, path, new JsonObject { ["reason"] = "核对户口簿" });

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("application/pdf", opened.Content.Headers.ContentType!.MediaType);
        Assert.True(opened.Headers.CacheControl!.NoStore);
        Assert.Equal("attachment", opened.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(pdf, await opened.Content.ReadAsByteArrayAsync());
        var entries = await AuditAsync(operatorClient, id);
        Assert.Empty(before);
        var entry = Assert.Single(entries);
        Assert.Equal("material", entry["action"]!.GetValue<string>());
        Assert.Equal("核对户口簿", entry["reason"]!.GetValue<string>());
        Assert.Equal("materials[0] householdRegister", entry["detail"]!.GetValue<string>());
        Assert.Equal(HubFixture.OperatorUser, entry["user"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Origin", hub.BaseAddress.GetLeftPart(UriPartial.Authority));
        return client.SendAsync(request);
    }

    private static async Task<List<JsonNode>> AuditAsync(HttpClient client, string id) =>
        [.. (await client.GetFromJsonAsync<JsonObject>("/api/v1/portal/audit"))!["entries"]!.AsArray().Where(e => e!["target"]!.GetValue<string>() == id).Select(e => e!)];
}
