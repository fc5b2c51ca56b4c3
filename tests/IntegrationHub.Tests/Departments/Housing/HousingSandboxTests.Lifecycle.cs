using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Local.Sandbox;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>v2.3: files (upload, attachments), the supplement (supplement_required + missing, …/supplements) and the withdrawal.</summary>
public sealed partial class HousingSandboxTests
{
    [Fact]
    public async Task Upload_SameBytesAndTypeTwice_201Then200WithTheSameFileId()
    {
        var (firstStatus, first) = await UploadAsync("income_proof", "application/pdf", SandboxFiles.Pdf());
        var (againStatus, again) = await UploadAsync("income_proof", "application/pdf", SandboxFiles.Pdf());

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (firstStatus, againStatus));
        Assert.Equal(first!["file_id"]!.GetValue<string>(), again!["file_id"]!.GetValue<string>());
        Assert.Equal(SandboxFiles.Pdf().Length, first["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task Upload_PdfBytesDeclaredPng_400BadFile()
    {
        var (status, body) = await UploadAsync("income_proof", "image/png", SandboxFiles.Pdf());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_file", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_OneByteOver10MiB_413()
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await UploadAsync("income_proof", "image/png", SandboxFiles.PngOver(HousingSandbox.MaxFileBytes))).Status);
    }

    [Fact]
    public async Task Post_RentalHousingWithoutIncomeProof_400NamingIt()
    {
        _bureau.RequireMaterials = true;

        var answer = await PostAsync(Valid("FG-001"));

        AssertRefused(answer, "attachments", "income_proof is required for PRH_APPLY");
    }

    [Fact]
    public async Task Post_RentalHousingWithItsFiles_202()
    {
        _bureau.RequireMaterials = true;

        var (status, _) = await PostAsync(await WithFilesAsync(Valid("FG-001"), "income_proof", "household_register"));

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Fact]
    public async Task Post_UnknownFileId_400()
    {
        var request = Valid("FG-001");
        request["attachments"] = new JsonArray(new JsonObject { ["type_code"] = "income_proof", ["file_id"] = "F20261128999999" });

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(request)).Status);
    }

    [Fact]
    public async Task Clerk_NameRuleSupplement_MissingWebhookThenSupplementedAndApproved()
    {
        using var inbox = Inbox();
        _bureau.AutoDecide(TimeSpan.Zero, retryUnit: TimeSpan.FromSeconds(1));
        var request = await WithFilesAsync(Valid("FG-001"), "income_proof", "household_register");
        request["applicant"]!["name"] = "张补正";
        var ticket = (await PostAsync(request)).Body!["ticket_no"]!.GetValue<string>();

        var asked = await NextAsync(inbox, "supplement_required");
        var partial = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/supplements", Supplement(request, "income_proof"));
        var supplemented = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/supplements", Supplement(request, "income_proof", "household_register"));
        var approved = await NextAsync(inbox, "approved");
        var second = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/supplements", Supplement(request, "income_proof", "household_register"));

        Assert.Equal(["income_proof", "household_register"], asked["missing"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, partial.Status);
        Assert.Equal((HttpStatusCode.Accepted, "supplement_received"), (supplemented.Status, supplemented.Body!["status"]!.GetValue<string>()));
        Assert.Equal(ticket, approved["ticket_no"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, "not_awaiting_supplement"), (second.Status, second.Body!["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Post_SupplementForUnknownTicket_404()
    {
        var answer = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/FG-20261128-999999/supplements",
            new JsonObject { ["request_id"] = Guid.NewGuid().ToString(), ["note"] = "补交" });

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
    }

    [Fact]
    public async Task Post_Withdrawal_202ThenWithdrawnWebhookAndASecondOne409()
    {
        using var inbox = Inbox();
        var ticket = (await PostAsync(Valid("FG-001"))).Body!["ticket_no"]!.GetValue<string>();
        var withdrawal = new JsonObject { ["request_id"] = Guid.NewGuid().ToString(), ["reason"] = "不再需要" };

        var withdrawn = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/withdrawal", withdrawal);
        var repeated = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/withdrawal", withdrawal);
        var webhook = await NextAsync(inbox, "withdrawn");
        var again = await PostJsonAsync($"{HousingSandbox.ApplicationsPath}/{ticket}/withdrawal",
            new JsonObject { ["request_id"] = Guid.NewGuid().ToString(), ["reason"] = "不再需要" });

        Assert.Equal((HttpStatusCode.Accepted, "withdrawal_received"), (withdrawn.Status, withdrawn.Body!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, repeated.Status);
        Assert.Equal(ticket, webhook["ticket_no"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, "already_decided"), (again.Status, again.Body!["error"]!.GetValue<string>()));
        Assert.Equal(SandboxCaseState.Withdrawn, _bureau.CaseState(ticket));
    }

    private SandboxInbox Inbox()
    {
        var inbox = new SandboxInbox("application/json", Encoding.UTF8.GetBytes("{}"));
        _bureau.WebhookUrl = inbox.Url;
        return inbox;
    }

    private static async Task<JsonObject> NextAsync(SandboxInbox inbox, string status)
    {
        var body = await inbox.NextAsync(b => JsonNode.Parse(b)!["status"]!.GetValue<string>() == status);
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<JsonObject> WithFilesAsync(JsonObject request, params string[] typeCodes)
    {
        var attachments = new JsonArray();
        var seed = 0;
        foreach (var typeCode in typeCodes)
        {
            var (_, body) = await UploadAsync(typeCode, "image/png", SandboxFiles.Png(++seed));
            attachments.Add(new JsonObject { ["type_code"] = typeCode, ["file_id"] = body!["file_id"]!.GetValue<string>() });
        }

        request["attachments"] = attachments;
        return request;
    }

    // A supplement carrying the application's own files of the given types.
    private static JsonObject Supplement(JsonObject request, params string[] typeCodes) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["note"] = "补交材料",
        ["attachments"] = new JsonArray([.. request["attachments"]!.AsArray()
            .Where(a => typeCodes.Contains(a!["type_code"]!.GetValue<string>()))
            .Select(a => a!.DeepClone())]),
    };

    private async Task<(HttpStatusCode Status, JsonObject? Body)> UploadAsync(string typeCode, string contentType, byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(part, "file", "material.bin");
        form.Add(new StringContent(typeCode), "type_code");
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_bureau.BaseUrl, HousingSandbox.FilesPath)) { Content = form };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync());
        using var response = await Http.SendAsync(message);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }

    private async Task<(HttpStatusCode Status, JsonObject? Body)> PostJsonAsync(string path, JsonObject body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_bureau.BaseUrl, path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync());
        using var response = await Http.SendAsync(message);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }
}
