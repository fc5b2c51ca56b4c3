using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Applications;

[Collection(HubCollection.Name)]
public sealed class IntakeTests(HubFixture hub)
{
    public static JsonObject Applicant() => new()
    {
        ["name"] = "张三",
        ["idNumber"] = "11010519491231002X",
        ["phone"] = "13812345678",
        ["ethnicity"] = "01",
        ["district"] = "320302",
    };

    public static JsonObject Sample(string itemCode, string variant = "valid")
    {
        var samples = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{itemCode}.json")))!;
        return new JsonObject
        {
            ["itemCode"] = itemCode,
            ["applicant"] = Applicant(),
            ["form"] = samples[variant]!.DeepClone(),
        };
    }

    public static TheoryData<string, Action<JsonObject>, string> BrokenBodies() => new()
    {
        { "missing applicant name", b => b["applicant"]!.AsObject().Remove("name"), "applicant.name" },
        { "bad ID checksum", b => b["applicant"]!["idNumber"] = "110105194912310021", "applicant.idNumber" },
        { "unknown ethnic group", b => b["applicant"]!["ethnicity"] = "77", "applicant.ethnicity" },
        { "district outside Xuzhou", b => b["applicant"]!["district"] = "110105", "applicant.district" },
        { "phone too short", b => b["applicant"]!["phone"] = "1381234", "applicant.phone" },
        { "missing form field", b => b["form"]!.AsObject().Remove("currentAddress"), "form.currentAddress" },
        { "wrong type", b => b["form"]!["dwellingType"] = 2, "form.dwellingType" },
        { "code outside table", b => b["form"]!["residenceReason"] = "42", "form.residenceReason" },
        { "arrival in the future", b => b["form"]!["arrivalDate"] = "2099-01-01", "form.arrivalDate" },
        { "unknown property", b => b["extra"] = true, "extra" },
        { "form not an object", b => b["form"] = "text", "form" },
        { "missing item code", b => b.Remove("itemCode"), "itemCode" },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Submit_BrokenBody_Returns400NamingFieldAndStoresNothing(string why, Action<JsonObject> breakIt, string field)
    {
        var body = Sample("GA-001");
        breakIt(body);
        var before = await CountStoredAsync();

        using var response = await hub.SubmitAsync(body);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(problem!["errors"]![field] is not null, $"{why}: errors were {problem["errors"]}");
        Assert.Equal(before, await CountStoredAsync());
    }

    [Fact]
    public async Task Submit_WithoutApiKey_Returns401AndStoresNothing()
    {
        var before = await CountStoredAsync();

        using var response = await hub.SubmitAsync(Sample("GA-001"), apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, await CountStoredAsync());
    }

    [Fact]
    public async Task Submit_WrongApiKey_Returns401()
    {
        using var response = await hub.SubmitAsync(Sample("GA-001"), apiKey: "not-a-key-of-any-platform");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Submit_WithoutIdempotencyKey_Returns400NamingTheHeader()
    {
        using var client = hub.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/applications", Sample("GA-001"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem!["errors"]!["Idempotency-Key"]);
    }

    [Theory]
    [InlineData("{\"itemCode\": \"GA-001\", ", HttpStatusCode.BadRequest)]
    [InlineData("[1,2,3]", HttpStatusCode.BadRequest)]
    public async Task Submit_MalformedJson_Returns400NamingBody(string json, HttpStatusCode expected)
    {
        var before = await CountStoredAsync();

        using var response = await SendRawAsync(new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(expected, response.StatusCode);
        Assert.NotNull(problem!["errors"]!["body"]);
        Assert.Equal(before, await CountStoredAsync());
    }

    [Fact]
    public async Task Submit_OversizedBody_Returns413()
    {
        var body = Sample("GA-001");
        body["form"]!["currentAddress"] = new string('路', 70_000);

        using var response = await SendRawAsync(JsonContent.Create(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Submit_NotJson_Returns415()
    {
        using var response = await SendRawAsync(new StringContent("itemCode=GA-001", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Submit_GuideOnlyItem_Returns422LinkingTheGuide()
    {
        var body = Sample("GA-001");
        body["itemCode"] = "MZ-002";

        using var response = await hub.SubmitAsync(body);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("/api/v1/service-items/MZ-002/guide", problem!["guide"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]!["itemCode"]);
    }

    [Fact]
    public async Task Submit_UnknownItem_Returns422NamingItemCode()
    {
        var body = Sample("GA-001");
        body["itemCode"] = "ZZ-001";

        using var response = await hub.SubmitAsync(body);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull(problem!["errors"]!["itemCode"]);
    }

    [Fact]
    public async Task Submit_SameKeySameBody_ReturnsTheSameApplication()
    {
        var key = Guid.NewGuid().ToString();
        var body = Sample("GA-004");

        using var first = await hub.SubmitAsync(body, key);
        var before = await CountStoredAsync();
        using var second = await hub.SubmitAsync(body, key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var secondId = (await second.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        Assert.Equal(firstId, secondId);
        Assert.Equal($"/api/v1/applications/{firstId}", first.Headers.Location!.OriginalString);
        Assert.Equal(before, await CountStoredAsync());
    }

    [Fact]
    public async Task Submit_SameKeyDifferentBody_Returns409()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await hub.SubmitAsync(Sample("GA-004"), key);
        var other = Sample("GA-004");
        other["applicant"]!["phone"] = "13900001111";

        using var second = await hub.SubmitAsync(other, key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Get_AnotherPlatformsApplication_Returns404()
    {
        using var submitted = await hub.SubmitAsync(Sample("GA-004"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        using var other = hub.CreateClient(HubFixture.KeyB);

        using var response = await other.GetAsync($"/api/v1/applications/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(id, (await hub.GetApplicationAsync(id))["applicationId"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpContent content)
    {
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Submit_CallerHangsUpOnceItsBodyIsRead_IntakeFinishesAndTheRepeatGetsItHandedOff()
    {
        // The platform's connection drops (its own timeout, a network fault) after the hub has read the body: the hub's
        // request token is cancelled while it validates and writes. The intake must not stop half way.
        var body = StorageCallBudgetTests.WithoutMaterials();
        var key = Guid.NewGuid().ToString();
        using var hangUp = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestServices = hub.Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Headers["X-Api-Key"] = HubFixture.KeyA;
        context.Request.Headers["Idempotency-Key"] = key;
        context.Request.Body = new HangsUpAtTheEnd(Encoding.UTF8.GetBytes(body.ToJsonString()), hangUp);

        await hub.Services.GetRequiredService<ApplicationsApi>().SubmitAsync(context.Request, hangUp.Token);

        Assert.True(hangUp.IsCancellationRequested, "the caller never hung up");
        using var repeat = await hub.SubmitAsync(body, key);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        var id = (await repeat.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["handoff"]?.GetValue<string>() == "Delivered");
    }

    /// <summary>A request body whose caller hangs up as soon as its last byte has been read.</summary>
    private sealed class HangsUpAtTheEnd(byte[] body, CancellationTokenSource caller) : MemoryStream(body)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                await caller.CancelAsync();
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private Task<int> CountStoredAsync() => CountStoredAsync(hub);

    /// <summary>How many applications the hub has stored.</summary>
    internal static async Task<int> CountStoredAsync(HubFixture hub)
    {
        var table = await hub.Services.GetRequiredService<HubTables>().Applications();
        var count = 0;
        // Only an application's main row has a body hash.
        await foreach (var _ in table.QueryAsync<ApplicationEntity>("BodyHash gt ''", select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }
}
