using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// What the portal shows of personal data beyond the applicant: the form's landlord, tenants and addresses and the
/// department's result arrive masked by their declarations; only an operator's audited reveal gives a clear value.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PersonalDataViewTests(HubFixture hub, PortalBrowser browser)
{
    // GA-001's sample (Catalog/FormSamples): a rented home, so the landlord goes to the bureau too.
    private const string Address = "江苏省徐州市泉山区湖北路街道湖北路28号金山东村12号楼2单元301室";
    private const string LandlordName = "陈秀兰";
    private const string LandlordId = "320311197002281283";

    [Fact]
    public async Task Detail_ResidenceRegistration_FormMaskedAndItsPersonalFieldsRevealableByOperatorsOnly()
    {
        var id = await SubmitAsync("GA-001", a => a["handoff"]!.GetValue<string>() == "Delivered");
        using var operatorClient = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);

        var text = await operatorClient.GetStringAsync($"/api/v1/portal/handoffs/{id}");
        var detail = JsonNode.Parse(text)!;

        foreach (var value in new[] { Address, LandlordName, LandlordId, "张三", "11010519491231002X", "13812345678", "19491231" })
        {
            Assert.False(PortalTab.Holds(text, value), $"the detail view holds {value} in clear");
        }

        Assert.Equal("江苏省徐州市****", detail["form"]!["currentAddress"]!.GetValue<string>());
        Assert.Equal("陈**", detail["form"]!["landlordName"]!.GetValue<string>());
        Assert.Equal("3203**********1283", detail["form"]!["landlordIdNumber"]!.GetValue<string>());
        Assert.Equal("02", detail["form"]!["dwellingType"]!.GetValue<string>());
        var attempt = detail["timeline"]!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "attempt")!;
        Assert.Contains("<FZXM>陈**</FZXM>", attempt["requestPayload"]!.GetValue<string>(), StringComparison.Ordinal);
        var revealable = detail["revealable"]!.AsArray().ToDictionary(f => f!["field"]!.GetValue<string>(), f => f!["label"]!.GetValue<string>());
        Assert.Equal(["name", "idNumber", "phone", "form.currentAddress", "form.landlordIdNumber", "form.landlordName"], revealable.Keys);
        Assert.Equal("房东姓名", revealable["form.landlordName"]);

        var revealed = await RevealAsync(operatorClient, id, "form.landlordName", "核对房东身份");
        Assert.Equal(HttpStatusCode.OK, revealed.Status);
        Assert.Equal(LandlordName, revealed.Body!["value"]!.GetValue<string>());
        var notPersonal = await RevealAsync(operatorClient, id, "form.residenceReason", "核对");
        Assert.Equal(HttpStatusCode.BadRequest, notPersonal.Status);
        Assert.NotNull(notPersonal.Body!["errors"]!["field"]);

        using var viewerClient = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);
        Assert.Equal(HttpStatusCode.Forbidden, (await RevealAsync(viewerClient, id, "form.landlordName", "只读用户尝试")).Status);
        var audit = await operatorClient.GetFromJsonAsync<JsonObject>("/api/v1/portal/audit");
        Assert.Contains(audit!["entries"]!.AsArray(), e => e!["target"]!.GetValue<string>() == id && e["detail"]!.GetValue<string>() == "form.landlordName"
            && e["reason"]!.GetValue<string>() == "核对房东身份");
        Assert.DoesNotContain(LandlordName, audit.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_HousingCertificate_ResultMaskedForOperatorsAndClearForThePlatform()
    {
        var id = await SubmitAsync("FG-003", a => a["status"]!.GetValue<string>() == "Approved");
        var platformView = await hub.GetApplicationAsync(id);
        var certificate = platformView["result"]!["certificate_no"]!.GetValue<string>();
        var property = platformView["result"]!["properties"]![0]!;
        var clear = new[] { certificate, property["address"]!.GetValue<string>(), property["property_cert_no"]!.GetValue<string>() };
        Assert.StartsWith("FGZM", certificate, StringComparison.Ordinal);
        using var operatorClient = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);

        var text = await operatorClient.GetStringAsync($"/api/v1/portal/handoffs/{id}");
        var detail = JsonNode.Parse(text)!;

        Assert.All(clear, value => Assert.False(PortalTab.Holds(text, value), $"the detail view holds {value} in clear"));
        Assert.Equal("江苏省徐州市****", detail["result"]!["properties"]![0]!["address"]!.GetValue<string>());
        Assert.Equal(89.47m, detail["result"]!["properties"]![0]!["area_sqm"]!.GetValue<decimal>());
        Assert.Contains(detail["revealable"]!.AsArray(), f => f!["field"]!.GetValue<string>() == "result.properties[0].address");
        var revealed = await RevealAsync(operatorClient, id, "result.certificate_no", "出具证明核对");
        Assert.Equal(certificate, revealed.Body!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task DetailPage_ViewerAndOperator_SeeMasksOnlyUntilAnOperatorRevealsInTheDialog()
    {
        var id = await SubmitAsync("GA-001", a => a["handoff"]!.GetValue<string>() == "Delivered");
        await using (var viewer = await PortalTab.OpenAsync(browser, hub))
        {
            await viewer.SignInAsync(HubFixture.ViewerUser);
            await viewer.OpenHandoffAsync(id);
            await Expect(viewer.Page.Locator(".detail-grid")).ToContainTextAsync("陈**");
            var page = await viewer.Page.ContentAsync();
            foreach (var value in new[] { Address, LandlordName, LandlordId })
            {
                Assert.False(PortalTab.Holds(page, value), $"the viewer's page holds {value}");
            }

            foreach (var (url, body) in await viewer.ApiResponsesAsync())
            {
                Assert.False(PortalTab.Holds(body, LandlordName), $"{url} answered the landlord's name to a viewer");
            }
        }

        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);
        await tab.OpenHandoffAsync(id);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "查看完整信息" }).ClickAsync();
        await tab.Dialog.GetByLabel("字段").SelectOptionAsync(new SelectOptionValue { Label = "房东姓名" });
        await tab.Dialog.GetByLabel("原因（必填）").FillAsync("核对房东身份");
        await tab.Dialog.GetByRole(AriaRole.Button, new() { Name = "查看", Exact = true }).ClickAsync();
        await Expect(tab.Dialog.Locator("#reveal-value")).ToHaveTextAsync(LandlordName);
        await Expect(tab.Dialog.Locator("#reveal-result-label")).ToHaveTextAsync("房东姓名：");
        await tab.Dialog.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await Expect(tab.Dialog).ToHaveCountAsync(0);
        Assert.False(PortalTab.Holds(await tab.Page.ContentAsync(), LandlordName));
        Assert.Empty(tab.Errors);
    }

    private async Task<string> SubmitAsync(string itemCode, Func<JsonNode, bool> done)
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample(itemCode));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, done);
        return id;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> RevealAsync(HttpClient client, string id, string field, string reason)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/portal/handoffs/{id}/reveal", new { field, reason });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
